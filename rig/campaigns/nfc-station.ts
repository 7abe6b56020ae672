import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiTapService } from "../../host/client/api-tap-service";
import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { toHex } from "../../shared/hex";
import { TAP_RESPONSE_LENGTH } from "../../shared/protocol-constants";
import { encodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { VirtualStamp } from "../../sim/virtual-stamp/virtual-stamp";
import { Attempt, Budget, Campaign, CampaignOutput, Figure } from "../campaign";
import { AttackerCard, AttackerScript } from "../radio/nfc-attacker-card";
import { attackContact, legitimateContact, StampState } from "../radio/nfc-contact-attempt";
import { busyAnswer, readyAnswer, REPLY_OFFSET_IN_ANSWER, RESPONSE_OFFSET_IN_ANSWER, responseInAnswer } from "../radio/nfc-mailbox-answers";
import { NfcBench } from "../radio/nfc-bench";
import { FieldCard, RigNfcStation, startRigNfcStation } from "../radio/nfc-contact";
import { held, nfcStampFrom, onSignedReply } from "../radio/nfc-stamp";
import { RESPONSE_FIELDS } from "../response-bytes";
import { RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";

/**
 * Contacts of a junk card in a row at the counter, more than a station's open-challenge share:
 * each makes the station ask for a challenge that is never answered. The host must retire the
 * station's oldest open challenges rather than refuse the next one, or the genuine press after
 * them is locked out for the challenges' 30 s.
 */
const JUNK_CONTACTS = MAX_OPEN_CHALLENGES + 4;

/** What a card that is no stamp (a transit or bank card) answers to the mailbox reads: "file not found". */
const NOT_A_STAMP = new Uint8Array([0x6a, 0x82]);

function field(name: string): { offset: number; length: number } {
  const found = RESPONSE_FIELDS.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no response field ${name}`);
  return found;
}

/** Which bits of the reply a man in the middle flips, one contact each: a few in a short run; every counter and flags bit and one bit of every signature byte in a full one. */
export function nfcBitFlips(kind: Budget["kind"]): { name: string; offset: number; bit: number }[] {
  const counter = field("counter");
  const flags = field("flags");
  const r = field("signature R");
  const s = field("signature S");
  if (kind === "short") {
    return [
      ...[0, 1, 2, 3].map((i) => ({ name: "counter", offset: counter.offset + i, bit: i })),
      { name: "signature R", offset: r.offset, bit: 0 },
      { name: "signature S", offset: s.offset + s.length - 1, bit: 3 },
    ];
  }
  const flips: { name: string; offset: number; bit: number }[] = [];
  for (const f of [counter, flags]) for (let i = 0; i < f.length; i++) for (let bit = 0; bit < 8; bit++) flips.push({ name: f === counter ? "counter" : "flags", offset: f.offset + i, bit: bit });
  for (const f of [r, s]) for (let i = 0; i < f.length; i++) flips.push({ name: f === r ? "signature R" : "signature S", offset: f.offset + i, bit: i % 8 });
  return flips;
}

/** A FAST_READ answer that claims a ready reply of `length` bytes, its pages filled with `fill`. */
function claimedReply(length: number, fill: number): Uint8Array {
  const answer = readyAnswer(new Uint8Array(96).fill(fill));
  answer[REPLY_OFFSET_IN_ANSWER - 2] = length;
  return answer;
}

/**
 * Answers from a card that no reader or stamp sends: each must end in a typed error or a refusal,
 * never a tap. A mailbox busy for ever holds the station through all its polls (about 12 s here):
 * full run only.
 */
function malformedScripts(captured: Uint8Array, kind: Budget["kind"]): { name: string; script: AttackerScript }[] {
  const sw = (data: Uint8Array) => new Uint8Array([...data, 0x90, 0x00]);
  const unknownState = readyAnswer(encodeStampReply({ status: StampStatus.OK, response: responseInAnswer(captured, TAP_RESPONSE_LENGTH) }));
  unknownState[3] = 7;
  const scripts = [
    { name: "an oversized FAST_READ answer (4,000 bytes)", script: { fastRead: () => sw(new Uint8Array(4000).fill(0x02)) } },
    { name: "a FAST_READ answer longer than asked (300 bytes)", script: { fastRead: () => sw(new Uint8Array([0xd5, 0x43, 0x00, ...new Uint8Array(297).fill(0x02)])) } },
    { name: "a ready reply of an impossible length (200 bytes)", script: { fastRead: () => claimedReply(200, 0) } },
    { name: "the captured reply cut to 60 bytes", script: { fastRead: () => readyAnswer(encodeStampReply({ status: StampStatus.OK, response: responseInAnswer(captured, TAP_RESPONSE_LENGTH) }).subarray(0, 60)) } },
    { name: "an unknown mailbox state", script: { fastRead: () => unknownState } },
    { name: "an oversized UID answer (300 bytes)", script: { uid: () => sw(new Uint8Array(300).fill(0x04)), fastRead: () => captured } },
  ];
  return kind === "full" ? [...scripts, { name: "a mailbox busy for ever", script: { fastRead: () => busyAnswer() } }] : scripts;
}

/** A reply for `challenge` signed by another registered stamp, carrying the genuine stamp's id. */
function neighbourSignedAs(victimId: string, neighbour: RigStamp, challenge: Uint8Array): Uint8Array {
  const response = neighbour.tap(toHex(challenge));
  const id = field("stamp id");
  const victim = Buffer.from(victimId, "hex");
  response.set(victim.subarray(0, id.length), id.offset);
  return readyAnswer(encodeStampReply({ status: StampStatus.OK, response: response }));
}

/** One run at the bench: the station on the reader, the genuine stamp, the attempts so far. */
class BenchSession {
  readonly attempts: Attempt[] = [];

  constructor(
    private readonly world: RigWorld,
    private readonly station: RigNfcStation,
    readonly bench: NfcBench,
    readonly stamp: VirtualStamp,
    readonly stampId: string,
  ) {}

  async state(): Promise<StampState> {
    const response = await this.world.owner.request("GET", `/v1/stamps/${this.stampId}`);
    const body = response.body as { status?: unknown; lastCounter?: unknown };
    if (response.status !== 200 || typeof body.status !== "string" || typeof body.lastCounter !== "number") throw new Error(`GET /v1/stamps/${this.stampId}: HTTP ${response.status}`);
    return { status: body.status, lastCounter: body.lastCounter };
  }

  /** A genuine press at the reader; the answer the stamp put on the air, when it signed one. */
  async legitimate(what = "legitimate tap at the reader"): Promise<Uint8Array | undefined> {
    let signed: Uint8Array | undefined;
    const record = (answer: Uint8Array) => {
      signed = answer;
      return { answer: answer };
    };
    const outcome = await this.station.contact(held(this.stamp, { intercept: onSignedReply(this.stamp, record) }));
    this.attempts.push(legitimateContact(what, outcome));
    return signed;
  }

  /** An attack contact, judged by the verdict and the genuine stamp's state around it. */
  async attack(what: string, card: FieldCard): Promise<void> {
    // A refused or unfinished contact leaves its challenge open; past the station's share the
    // host retires the oldest, so the attacks need no pause for them to expire.
    const before = await this.state();
    const outcome = await this.station.contact(card);
    this.attempts.push(attackContact(what, outcome, before, await this.state()));
  }

  card(script: AttackerScript): FieldCard {
    return new AttackerCard(this.bench.vpcdPort, script);
  }
}

async function attacksAtTheReader(session: BenchSession, world: RigWorld, neighbour: RigStamp, budget: Budget): Promise<void> {
  const captured = await session.legitimate("legitimate tap at the reader (its reply recorded)");
  if (captured === undefined) throw new Error("the genuine stamp put no signed reply on the air");

  // A sniffer recorded the genuine reply; the attacker's card plays the same bytes at the next contact.
  await session.attack("replay: the recorded reply, same bytes, at the next contact", session.card({ fastRead: () => captured }));
  await session.legitimate();

  // A man in the middle flips bits of the genuine stamp's reply on the air.
  for (const flip of nfcBitFlips(budget.kind)) {
    const edit = (answer: Uint8Array) => {
      const out = answer.slice();
      out[RESPONSE_OFFSET_IN_ANSWER + flip.offset] ^= 1 << flip.bit;
      return { answer: out };
    };
    await session.attack(`bit flip in the reply's ${flip.name}`, held(session.stamp, { intercept: onSignedReply(session.stamp, edit) }));
  }
  await session.legitimate("legitimate tap after the bit flips");

  // The attacker's card answers the new challenge with another stamp's signature under the genuine id,
  // and with another stamp's reply to the other shop's challenge.
  await session.attack("another stamp's signature on the new challenge, under the genuine stamp's id", session.card({ fastRead: (challenge) => (challenge === undefined ? busyAnswer() : neighbourSignedAs(session.stampId, neighbour, challenge)) }));
  const elsewhere = await world.other.challenge();
  if (!elsewhere.ok) throw new Error(`challenge refused at the other shop: ${elsewhere.answer}`);
  const foreignReply = readyAnswer(encodeStampReply({ status: StampStatus.OK, response: neighbour.tap(elsewhere.challenge) }));
  await session.attack("another stamp's reply to the other shop's challenge, played to the new one", session.card({ fastRead: () => foreignReply }));

  // Quarantine griefing over the radio: a contact without a press, a card pulled mid-exchange.
  await session.attack("one contact without a press", held(session.stamp, { press: false }));
  await session.attack("card removed mid-exchange (after signing, before the reply is read)", held(session.stamp, { intercept: onSignedReply(session.stamp, () => "remove") }));
  await session.legitimate("legitimate tap after the contacts without a tap");

  // Replies out of order: a relay takes the genuine reply and cuts the field, the stamp is then
  // used normally, and the held reply is played late, on an open challenge, with a lower counter.
  let heldBack: Uint8Array | undefined;
  const holdBack = (answer: Uint8Array): "remove" => {
    heldBack = answer;
    return "remove";
  };
  await session.attack("relay takes the reply and cuts the field", held(session.stamp, { intercept: onSignedReply(session.stamp, holdBack) }));
  await session.legitimate("later reply, delivered first (legitimate)");
  const late = heldBack;
  if (late === undefined) throw new Error("the relay recorded no reply");
  await session.attack("earlier reply, played late by the relay's card", session.card({ fastRead: () => late }));
  await session.legitimate("legitimate tap after the out-of-order replies");

  // Malformed and oversized answers from the card: typed errors or refusals, and the station goes on serving.
  for (const malformed of malformedScripts(captured, budget.kind)) await session.attack(`malformed card answer: ${malformed.name}`, session.card(malformed.script));
  await session.legitimate("legitimate tap after the malformed answers");

  // Lock-out by contacts: a junk card touched to the counter again and again within seconds, each
  // contact leaving an open challenge; then the customer presses the genuine stamp at the same counter.
  for (let i = 0; i < JUNK_CONTACTS; i++) await session.attack(`junk card contact ${JUNK_CONTACTS} times at the counter`, session.card({ fastRead: () => NOT_A_STAMP }));
  await session.legitimate(`genuine press right after ${JUNK_CONTACTS} junk-card contacts at the same counter`);
}

async function attack(world: RigWorld, budget: Budget, bench: NfcBench): Promise<CampaignOutput> {
  const registered = await world.newStamp();
  const neighbour = await world.newStamp();
  const dir = mkdtempSync(join(tmpdir(), "stamp-rig-nfc-"));
  const stamp = nfcStampFrom(registered, bench.vpcdPort, dir);
  let station: RigNfcStation | undefined;
  try {
    station = await startRigNfcStation(apiTapService(world.home.client), bench);
    const session = new BenchSession(world, station, bench, stamp, registered.id);
    await attacksAtTheReader(session, world, neighbour, budget);
    const end = await session.state();
    const figures: Figure[] = [{ name: "genuine stamp's status at the end", value: end.status, ok: end.status === "active" }];
    return { attempts: session.attempts, notRun: [], figures: figures };
  } finally {
    await stamp.remove();
    await station?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The NFC counter-station path, end to end: virtual cards on a PC/SC reader (pcscd + vpcd) read by
 * the product's NFC station (`startNfcStation`, what `stamp serve --nfc --url` runs) with the rig's
 * enrolled station key, which judges every reply through the host's HTTP API. A genuine stamp (the
 * real firmware) taps between the attacks and must be accepted; the attacks are a recorded reply
 * replayed, bits flipped on the air, another stamp's signature, contacts without a press or cut
 * short, a reply held back and played late (the stamp must not end up quarantined), answers
 * no card should give, and a junk card touched to the counter more times than the station's
 * open-challenge share right before a genuine press (which must still be accepted). Attempts are judged by the station's verdict and the stamp's state on the host.
 */
export const nfcStationCampaign: Campaign = {
  name: "nfc-station",
  attacks: "NFC counter station (pcscd + vpcd → startNfcStation → HTTP API): a recorded reply replayed, bit flips on the air, another stamp's signature, no press, a card pulled mid-tap, a held-back reply played late, malformed and oversized card answers, junk-card contacts locking out the next genuine press",
  async run(world, budget) {
    const bench = world.target.nfcBench;
    if (bench === undefined) {
      return {
        attempts: [],
        notRun: [{ attack: "nfc-station", why: "no NFC bench on this target: the campaign needs a PC/SC reader with virtual cards (pcscd and vsmartcard's vpcd on the rig's machine), which the rig's test code starts when they are installed" }],
        figures: [],
      };
    }
    return attack(world, budget, bench);
  },
};
