import { recordPress } from "../../firmware/presence";
import { writeLock } from "../../firmware/provisioning";
import { exchangeOverNfc } from "../../host/nfc/mailbox-reader";
import { fromHex, toHex } from "../../shared/hex";
import { Reason } from "../../shared/reason-codes";
import { decodeStampReply } from "../../shared/stamp-reply";
import { SimulatedAir } from "../../sim/simulated-ble";
import { SimulatedTagLink } from "../../sim/simulated-nfc";
import { Attempt, Campaign, CampaignOutput, Figure, NotRun } from "../campaign";
import { capturingPeripheral } from "../extraction/ble-capture";
import { LockedConsoleBench } from "../extraction/console-bench";
import { CONSOLE_LINES } from "../extraction/console-lines";
import { sweepTag } from "../extraction/nfc-sweep";
import { bytesRevealSeed, derivesPublicKey, textRevealsSeed } from "../extraction/secret-search";
import { BootedStamp, FIRMWARE_BUILD } from "../extraction/stamp-build";
import { nodeSigner } from "../world/node-signer";
import { RigWorld } from "../world/rig-world";
import { RigStation } from "../world/rig-station";

/** The secret and its public half, as the test setup that provisioned the stamp knows them. */
interface Secret {
  seed: Uint8Array;
  publicKey: Uint8Array;
}

function leakAttempt(attack: string, leaked: boolean, what: string): Attempt {
  return { attack: attack, legitimate: false, accepted: leaked, flagged: false, answer: leaked ? "the private key" : what };
}

/** Binary output judged both ways: seed bytes in it, or a window of it that is the key. */
function binaryLeaks(bytes: Uint8Array, secret: Secret): boolean {
  return bytesRevealSeed(bytes, secret.seed) || derivesPublicKey(bytes, secret.publicKey, (s) => nodeSigner.publicKey(s));
}

async function nfcTap(station: RigStation, stamp: BootedStamp): Promise<Attempt> {
  const issued = await station.challenge();
  if (!issued.ok) return { attack: "legitimate NFC tap", legitimate: true, accepted: false, flagged: false, answer: `challenge refused: ${issued.answer}` };
  const challenge = fromHex(issued.challenge);
  if (!challenge.ok) throw new Error(challenge.error);
  // The press that goes with a tap (the counter station needs user presence), without starting a BLE tap.
  recordPress(stamp.runtime.stamp.presence, stamp.device.now());
  const reply = decodeStampReply(await exchangeOverNfc(new SimulatedTagLink(stamp.device.nfc), challenge.value));
  if (!reply.ok || !("response" in reply.value)) return { attack: "legitimate NFC tap", legitimate: true, accepted: false, flagged: false, answer: "the stamp gave no response" };
  return { attack: "legitimate NFC tap", legitimate: true, ...(await station.submit(reply.value.response)) };
}

/** The tag swept before any tap, after a tap (the reply area full), and after its field left. */
async function nfcAttacks(world: RigWorld, stamp: BootedStamp, secret: Secret): Promise<Attempt[]> {
  const out: Attempt[] = [];
  const sweep = (when: string) => {
    const result = sweepTag(stamp.device.nfc);
    out.push(leakAttempt(`NFC: every page and command byte, ${when}`, binaryLeaks(result.bytes, secret), `${result.frames} frames, ${result.dataAnswers} data answers, no key`));
  };
  sweep("before any tap");
  out.push(await nfcTap(world.home, stamp));
  sweep("right after a tap");
  stamp.device.nfc.removeFromField();
  sweep("after the reader's field left");
  return out;
}

/** A press: the stamp connects to the station's peripheral; everything it wrote there is searched. */
async function bleAttacks(stamp: BootedStamp, air: SimulatedAir, capture: ReturnType<typeof capturingPeripheral>, secret: Secret): Promise<Attempt[]> {
  air.peripherals.push(capture.peripheral);
  stamp.device.press();
  const verdict = await stamp.runtime.lastBleTap;
  const written = new Uint8Array(Buffer.concat(capture.written));
  return [
    { attack: "legitimate BLE tap", legitimate: true, accepted: verdict === Reason.ACCEPTED, flagged: false, answer: `verdict byte ${verdict}` },
    leakAttempt("BLE: every byte the stamp wrote to the peripheral it connected to", binaryLeaks(written, secret), `${capture.written.length} writes, ${written.length} bytes, no key`),
  ];
}

/** Each probe named after its line and the Espruino build it ran on, e.g. "console: read the seed file (x86_64)". */
async function consoleAttacks(bench: LockedConsoleBench): Promise<{ attempts: Attempt[]; figures: Figure[] }> {
  const secret = { seed: bench.seed, publicKey: bench.publicKey };
  const probes = await bench.probe([...CONSOLE_LINES]);
  const attempts = probes.map((p) => leakAttempt(`${p.attack} (${bench.device})`, textRevealsSeed(p.output, secret.seed), p.output.trim() === "" ? "no answer" : `answered: ${p.output.trim().slice(0, 60)}`));
  const held = textRevealsSeed(await bench.buttonHeld(), secret.seed);
  // Not an attempt: the documented limit of a stock Espruino, outside what the locked firmware can close (docs/design.md).
  const figure = { name: `physical access (${bench.device}): seed readable when powered on with the button held (documented limit)`, value: held ? "yes" : "no", ok: true };
  return { attempts: attempts, figures: [figure] };
}

const NO_CONSOLE: NotRun = {
  attack: "console/UART of a locked stamp on Espruino",
  why: "no Espruino console bench on this target (the rig's test code provides them when ESPRUINO_BIN or ESPRUINO_ARM_BIN, socat and the built bundle are available); the firmware's NFC and BLE interfaces ran on the simulated stamp",
};

async function attack(world: RigWorld): Promise<CampaignOutput> {
  // Provisioned as a flashing station does: key made on the stamp, registered with its proof, locked; then power-cycled.
  const provisioned = await world.newStamp();
  if (!writeLock(provisioned.stamp)) throw new Error("could not lock the rig's stamp");
  const key = provisioned.stamp.key;
  if (key === undefined) throw new Error("a rig stamp without a key");
  const secret = { seed: key.seed.slice(), publicKey: key.publicKey.slice() };
  const air = new SimulatedAir();
  const stamp = (world.target.stampBuild ?? FIRMWARE_BUILD).boot(provisioned.flash, air);
  if (stamp.runtime.report.publicKey === undefined || toHex(stamp.runtime.report.publicKey) !== toHex(secret.publicKey)) throw new Error("the locked stamp did not boot with its key");
  const attempts = [...(await nfcAttacks(world, stamp, secret)), ...(await bleAttacks(stamp, air, capturingPeripheral(world.home), secret))];
  const benches = world.target.lockedConsoles ?? [];
  if (benches.length === 0) return { attempts: attempts, notRun: [NO_CONSOLE], figures: [] };
  const figures: Figure[] = [];
  for (const bench of benches) {
    const onConsole = await consoleAttacks(bench);
    attempts.push(...onConsole.attempts);
    figures.push(...onConsole.figures);
  }
  return { attempts: attempts, notRun: [], figures: figures };
}

/**
 * Every interface of a provisioned, locked stamp searched for its private key: the Type 2 Tag
 * (every page, every command byte), what it writes over BLE to the peripheral it connects to,
 * and, on an Espruino bench, its console after the lock. The key may appear in no output, nor
 * any 32 bytes of an output derive its public key; legitimate NFC and BLE taps still work.
 */
export const keyExtractionCampaign: Campaign = {
  name: "key-extraction",
  attacks: "a locked stamp's NFC tag (all pages and commands), its BLE writes, and its Espruino console, searched for the private key",
  run: attack,
};
