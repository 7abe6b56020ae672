import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeTapResponse, decodeTapResponse } from "../shared/tap-response";
import { Purpose } from "../shared/protocol-constants";
import { fromHex, toHex } from "../shared/hex";
import { runStationTap, StampExchange } from "../host/core/counter-station";
import { issueChallenge } from "../host/core/challenge-service";
import { addMerchant, addShop, addVerifier } from "../host/core/registry";
import { submitTap } from "../host/core/tap-verifier";
import { Verdict } from "../host/core/verdict";
import { exchangeOverNfc, sendVerdictOverNfc } from "../host/nfc/mailbox-reader";
import { SqliteStore } from "../host/store/sqlite-store";
import { Store } from "../host/store/store";
import { bootSimulatedStamp, provisionSimulatedStamp, SimulatedStamp } from "./provision";
import { SimulatedAir } from "./simulated-ble";
import { SimulatedDevice } from "./simulated-device";
import { SimulatedTagLink } from "./simulated-nfc";
import { verifierPeripheral } from "./simulated-verifier-peripheral";
import { MAX_CHALLENGE_TTL_MS } from "../host/core/challenge-issuer";

export interface DemoOptions {
  /** SQLite file; a fresh one in a temporary directory when absent. */
  dbPath?: string;
  out: (line: string) => void;
}

interface Row {
  what: string;
  stamp: string;
  shop: string;
  via: string;
  verdict: Verdict;
}

function unwrapOk<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
}

/** An NFC tap of a simulated stamp on a station's reader, frame by frame through the mailbox. */
function nfcExchange(device: SimulatedDevice): StampExchange {
  return (challenge) => exchangeOverNfc(new SimulatedTagLink(device.nfc), challenge);
}

/**
 * The demo: one merchant with two shops, stamps provisioned on simulated Puck.js devices running
 * the firmware, taps over NFC and BLE judged by the real host core on a real SQLite file, then
 * the attacks the product exists to stop.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const out = options.out;
  const dbPath = options.dbPath ?? join(mkdtempSync(join(tmpdir(), "stamp-demo-")), "stamp.db");
  const store: Store = new SqliteStore(dbPath);
  const clock = () => Date.now();
  try {
    unwrapOk(await addMerchant(store, { id: "bean-bros", name: "Bean Brothers Coffee" }));
    unwrapOk(await addShop(store, { id: "gangnam", merchantId: "bean-bros", name: "Bean Bros Gangnam" }));
    unwrapOk(await addShop(store, { id: "hongdae", merchantId: "bean-bros", name: "Bean Bros Hongdae" }));
    const gangnamCounter = unwrapOk(await addVerifier(store, { shopId: "gangnam", label: "Gangnam counter (NFC)", requirePresence: false }));
    const hongdaeCounter = unwrapOk(await addVerifier(store, { shopId: "hongdae", label: "Hongdae counter (BLE)", requirePresence: true }));
    // Each shop has its own air: a stamp only reaches the BLE counters of the shop it is in.
    const gangnamAir = new SimulatedAir();
    const hongdaeAir = new SimulatedAir();
    const bleVerdicts: Verdict[] = [];
    hongdaeAir.peripherals.push(verifierPeripheral(store, hongdaeCounter.id, -48, { purpose: Purpose.STAMP, quantity: 1 }, (v) => bleVerdicts.push(v)));

    const alice = await provisionSimulatedStamp(store, gangnamAir, { label: "gangnam-stamp-1", merchantId: "bean-bros", shopIds: ["gangnam"] }, clock());
    const bob = await provisionSimulatedStamp(store, hongdaeAir, { label: "hongdae-stamp-1", merchantId: "bean-bros", shopIds: ["hongdae"] }, clock());
    out(`database: ${dbPath}`);
    out("");
    out("Provisioned on simulated Puck.js stamps (key made on the stamp, public key registered):");
    for (const s of [alice, bob]) out(`  ${s.record.label}  id ${s.record.id}  shops ${s.record.shopIds.join(",")}  key ${toHex(s.record.publicKey)}`);
    out("");

    const rows: Row[] = [];
    const nfcTap = async (what: string, stamp: Pick<SimulatedStamp, "device">, label: string) => {
      stamp.device.press();
      const tap = await runStationTap(store, { verifierId: gangnamCounter.id, purpose: Purpose.STAMP, quantity: 1 }, nfcExchange(stamp.device), clock);
      await sendVerdictOverNfc(new SimulatedTagLink(stamp.device.nfc), tap.verdict.code);
      rows.push({ what, stamp: label, shop: "gangnam", via: "NFC", verdict: tap.verdict });
      return tap;
    };
    const bleTap = async (what: string, stamp: SimulatedStamp) => {
      const before = bleVerdicts.length;
      stamp.device.press();
      await stamp.runtime.lastBleTap;
      const verdict = bleVerdicts[before];
      if (verdict === undefined) throw new Error("the BLE tap produced no verdict");
      rows.push({ what, stamp: stamp.record.label, shop: "hongdae", via: "BLE", verdict });
    };

    // Normal service, and a flash dump of Alice's stamp taken after her first tap.
    const first = await nfcTap("tap", alice, alice.record.label);
    const dumpedFlash = new Map(alice.device.flash);
    await nfcTap("tap", alice, alice.record.label);
    const third = await nfcTap("tap", alice, alice.record.label);
    await bleTap("tap", bob);
    await bleTap("tap", bob);

    // Replay: the exact bytes of an accepted tap, sent again.
    if (third.response === undefined || first.response === undefined) throw new Error("accepted taps carry a response");
    rows.push({ what: "replayed response", stamp: alice.record.label, shop: "gangnam", via: "HTTP", verdict: await submitTap(store, gangnamCounter.id, third.response, clock()) });

    // Forgery: a fresh challenge answered with Alice's id and counter but a signature not made by her key.
    const fresh = await issueChallenge(store, { verifierId: gangnamCounter.id, purpose: Purpose.STAMP, quantity: 1, ttlMs: MAX_CHALLENGE_TTL_MS }, clock());
    const genuine = decodeTapResponse(first.response);
    if (!fresh.ok || !genuine.ok) throw new Error("the forgery needs a fresh challenge and a genuine response");
    const nonce = fromHex(fresh.value.issued.nonce);
    if (!nonce.ok) throw new Error("stored nonces are hex");
    const forged = encodeTapResponse({ ...genuine.value, nonce: nonce.value, counter: 1000 });
    rows.push({ what: "forged signature", stamp: alice.record.label, shop: "gangnam", via: "HTTP", verdict: await submitTap(store, gangnamCounter.id, forged, clock()) });

    // Theft: Bob's stamp, bound to Hongdae, taken to Gangnam and pressed on its reader.
    bob.device.ble = gangnamAir;
    await nfcTap("stolen stamp", bob, bob.record.label);

    // Clone: the flash dump booted on another device: same key, stale counter.
    const clone = bootSimulatedStamp(gangnamAir, dumpedFlash);
    await nfcTap("cloned stamp", clone, alice.record.label + " (clone)");
    await nfcTap("genuine after clone", alice, alice.record.label);

    out(
      table(
        ["#", "event", "stamp", "shop", "via", "counter", "verdict", "reason"],
        rows.map((r, i) => [
          String(i + 1),
          r.what,
          r.stamp,
          r.shop,
          r.via,
          r.verdict.counter === undefined ? "-" : String(r.verdict.counter),
          r.verdict.accepted ? "ACCEPTED" : "REJECTED",
          r.verdict.accepted ? "" : `${r.verdict.reason}: ${r.verdict.message}`,
        ]),
      ).join("\n"),
    );
    out("");
    out("Alerts:");
    for (const alert of await store.listAlerts(100)) out(`  [${alert.kind}] stamp ${alert.stampId} at ${alert.shopId}: ${alert.detail}`);
    out("");
    out("Stamps:");
    for (const stamp of await store.listStamps()) out(`  ${stamp.label}  ${stamp.id}  ${stamp.status}  last counter ${stamp.lastCounter}`);
    const ledger = await store.checkLedger();
    out("");
    out(ledger.intact ? `Ledger: ${ledger.events} accepted taps, hash chain intact.` : `Ledger: BROKEN at event ${ledger.sequence}: ${ledger.problem}`);
  } finally {
    await store.close();
  }
}
