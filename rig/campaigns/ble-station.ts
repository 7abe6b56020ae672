import { MAX_OPEN_CHALLENGES } from "../../host/core/challenge-service";
import { REPLY_DEADLINE_MS } from "../../host/core/relay-rule";
import { toHex } from "../../shared/hex";
import { Reason } from "../../shared/reason-codes";
import { Attempt, Budget, Campaign, CampaignOutput, Figure } from "../campaign";
import { AnnouncedVerdict, BleAttackerLink, BleCounter, BleStamp, RoguePeripheral } from "../radio/ble-bench";
import { attAnswerName, chunksFor, flippedReply, oneChunk, reassembled, stampReply, verdictName, wrongKeyReply } from "../radio/ble-replies";
import { RESPONSE_FIELDS } from "../response-bytes";
import { bootRigStamp, RigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { readTapAnswer } from "../world/tap-answer";
import { griefingAttempt } from "./quarantine-griefing";

/** How long the relay holds a reply: past the host's deadline by more than the issue time's one-second resolution (as relay.ts). */
const HOLD_MS = REPLY_DEADLINE_MS + 2_000;

/** Everything one run of the campaign acts on. */
interface BleRun {
  world: RigWorld;
  counter: BleCounter;
  /** The genuine stamp on BLE, booted on the victim's registered flash. */
  stamp: BleStamp;
  /** The victim's registration (its id and key), never pressed itself. */
  victim: RigStamp;
  rogue: RoguePeripheral;
  attempts: Attempt[];
}

/** Time passes for the host: its clock moved when the rig started it; else really waited (no attacker link is open meanwhile). */
async function passTime(world: RigWorld, ms: number): Promise<void> {
  if (world.target.advanceClock !== undefined) world.target.advanceClock(ms);
  else await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A new attacker connection that has read its challenge (the station asks the host at the first
 * read). A refused reply leaves it open; past the station's share the host retires the oldest, so
 * the attacks need no pause for them to expire, and the genuine stamp's next press gets its own.
 */
async function connectAndRead(run: BleRun, mtu: number): Promise<{ link: BleAttackerLink; challenge: Uint8Array }> {
  const link = await run.counter.connect(mtu);
  const challenge = await link.readChallenge();
  return { link: link, challenge: challenge };
}

/** Verdicts the station announced, judged as the report counts them: any acceptance, any flagging reason. */
function judged(verdicts: readonly AnnouncedVerdict[]): { accepted: boolean; flagged: boolean; reasons: string[] } {
  const answers = verdicts.map((v) => readTapAnswer(200, { reason: v.reason, accepted: v.accepted }));
  return { accepted: answers.some((a) => a.accepted), flagged: answers.some((a) => a.flagged), reasons: verdicts.map((v) => v.reason) };
}

/**
 * One attack: what the attacker's radio sent, and what the station judged meanwhile. Accepted
 * is any accepting verdict the station announced during it (the host's answer as the station
 * passed it on), whatever the attacker's own reads say.
 */
async function attack(run: BleRun, name: string, act: () => Promise<string[]>): Promise<Attempt> {
  const before = run.counter.verdicts().length;
  const notes = await act();
  const verdict = judged(run.counter.verdicts().slice(before));
  const answer = [...notes, ...(verdict.reasons.length === 0 ? ["nothing judged"] : verdict.reasons.map((r) => `judged ${r}`))].join(", ");
  return { attack: name, legitimate: false, accepted: verdict.accepted, flagged: verdict.flagged, answer: answer };
}

/** A genuine press at the counter: the stamp must show ACCEPTED, and the station must have announced it. */
async function genuinePress(run: BleRun, what: string): Promise<Attempt> {
  const before = run.counter.verdicts().length;
  const code = await run.stamp.press();
  const verdict = judged(run.counter.verdicts().slice(before));
  return { attack: what, legitimate: true, accepted: code === Reason.ACCEPTED && verdict.accepted, flagged: verdict.flagged, answer: verdictName(code) };
}

/** Writes a reply in the chunks a central at the link's MTU writes, then reads the verdict: the ATT answers. */
async function writeReply(link: BleAttackerLink, reply: Uint8Array): Promise<string[]> {
  const notes: string[] = [];
  for (const chunk of chunksFor(reply, link.mtu)) {
    const code = await link.write(chunk);
    if (code !== 0) notes.push(attAnswerName(code));
  }
  return [...notes, await verdictNote(link)];
}

async function verdictNote(link: BleAttackerLink): Promise<string> {
  const read = await link.readVerdict();
  return "verdict" in read ? `verdict byte ${verdictName(read.verdict)}` : `verdict read: ${attAnswerName(read.attError)}`;
}

/**
 * The victim signs a challenge of the attacker's choice: the rogue peripheral, louder than the
 * counter, serves it; the stamp's holder presses as at any counter and sees green.
 */
async function signedAtTheRogue(run: BleRun, challenge: Uint8Array): Promise<Uint8Array> {
  await run.rogue.serve(challenge);
  run.stamp.near(run.rogue);
  try {
    const shown = await run.stamp.press();
    const reply = run.rogue.takeReply();
    if (reply === undefined) throw new Error(`the stamp wrote no reply to the rogue peripheral (it showed ${verdictName(shown)})`);
    return reply;
  } finally {
    run.stamp.near(undefined);
  }
}

/** The bytes each forgery round flips in the victim's reply: the counter's and some of R's and S's (all of them take too many connections). */
function forgedBytes(budget: Budget): { field: string; offset: number }[] {
  const perField = budget.kind === "full" ? 4 : 1;
  return RESPONSE_FIELDS.filter((f) => ["counter", "signature R", "signature S"].includes(f.name)).flatMap((f) => {
    const count = f.name === "counter" ? f.length : perField;
    return Array.from({ length: count }, (_, i) => ({ field: f.name, offset: f.offset + Math.floor((i * f.length) / count) }));
  });
}

/** Replays of the sniffed genuine reply: as heard, on the next connection; re-chunked for MTU 23. */
async function replays(run: BleRun, sniffed: Uint8Array[]): Promise<void> {
  run.attempts.push(
    await attack(run, "replay: a sniffed genuine reply, written as heard on the next connection", async () => {
      const { link } = await connectAndRead(run, 53);
      const notes: string[] = [];
      for (const chunk of sniffed) {
        const code = await link.write(chunk);
        if (code !== 0) notes.push(attAnswerName(code));
      }
      notes.push(await verdictNote(link));
      await link.disconnect();
      return notes;
    }),
  );
  run.attempts.push(
    await attack(run, "replay: the sniffed reply re-chunked for MTU 23", async () => {
      const { link } = await connectAndRead(run, 23);
      const notes = await writeReply(link, reassembled(sniffed));
      await link.disconnect();
      return notes;
    }),
  );
}

/** Bits flipped in the victim's fresh reply (taken at the rogue), each on a connection of its own; then the reply itself. */
async function forgeries(run: BleRun, budget: Budget): Promise<void> {
  const targets = forgedBytes(budget);
  // The genuine reply answers the first of these connections' challenges, after all the others:
  // more than the station's share would retire it first.
  if (targets.length + 1 > MAX_OPEN_CHALLENGES) throw new Error(`${targets.length + 1} challenges for one forgery round: more than the ${MAX_OPEN_CHALLENGES} a station holds open`);
  const { link: first, challenge } = await connectAndRead(run, 53);
  const genuine = await signedAtTheRogue(run, challenge);
  for (const [i, target] of targets.entries()) {
    const bit = target.offset % 8;
    run.attempts.push(
      await attack(run, `bit flip in ${target.field}`, async () => {
        // The first forgery goes on the connection whose challenge the stamp signed; the others on new ones.
        const on = i === 0 ? first : (await connectAndRead(run, 53)).link;
        const notes = await writeReply(on, flippedReply(genuine, target.offset, bit));
        await on.disconnect();
        return notes;
      }),
    );
  }
  // Refused forgeries must not spend the challenge: the genuine reply, delivered now (within the
  // deadline, so the host cannot tell the relay), is accepted.
  const before = run.counter.verdicts().length;
  const { link: last } = await connectAndRead(run, 53);
  const notes = await writeReply(last, genuine);
  await last.disconnect();
  const verdict = judged(run.counter.verdicts().slice(before));
  run.attempts.push({ attack: "genuine reply after its forgeries (carried by the relay)", legitimate: true, accepted: verdict.accepted, flagged: verdict.flagged, answer: notes.join(", ") });
}

/** Replies of other stamps over the attacker's challenge: an unregistered stamp's own, and the victim's id under a registered neighbour's key. */
async function otherStamps(run: BleRun, neighbour: RigStamp, round: number): Promise<void> {
  const stranger = bootRigStamp();
  run.attempts.push(
    await attack(run, "another stamp's reply: an unregistered stamp", async () => {
      const { link, challenge } = await connectAndRead(run, 53);
      const notes = await writeReply(link, stampReply(stranger.tap(toHex(challenge))));
      await link.disconnect();
      return notes;
    }),
  );
  run.attempts.push(
    await attack(run, "another stamp's reply: the victim's id signed with a registered neighbour's key", async () => {
      const { link, challenge } = await connectAndRead(run, 53);
      const notes = await writeReply(link, wrongKeyReply(run.victim, neighbour, challenge, 1_000_000 + round));
      await link.disconnect();
      return notes;
    }),
  );
}

/**
 * ATT-level framing around the sniffed (spent) reply: chunks out of order, a reply grown past its
 * 95 bytes, one Write Request longer than the MTU (the link fragments it), a long write in
 * Prepare Write fragments, a prepared write at an offset. The station must refuse the framing or
 * judge the reply as the host does (spent: refused), never accept it.
 */
async function framing(run: BleRun, spent: Uint8Array): Promise<void> {
  const onNewLink = (name: string, mtu: number, send: (link: BleAttackerLink) => Promise<string[]>) =>
    attack(run, name, async () => {
      const { link } = await connectAndRead(run, mtu);
      const notes = await send(link);
      notes.push(await verdictNote(link));
      await link.disconnect();
      return notes;
    });
  const writes = async (link: BleAttackerLink, chunks: Uint8Array[]) => {
    const notes: string[] = [];
    for (const chunk of chunks) notes.push(attAnswerName(await link.write(chunk)));
    return notes;
  };
  const small = chunksFor(spent, 23);
  run.attempts.push(await onNewLink("ATT writes out of order: the last chunk first, a chunk repeated, one skipped", 23, (link) => writes(link, [small[small.length - 1], small[0], small[0], small[2]])));
  const grown = new Uint8Array([...spent, 0, 0, 0]);
  run.attempts.push(await onNewLink("ATT writes oversized: the reply grown past 95 bytes", 53, (link) => writes(link, [new Uint8Array([0x00, ...grown.subarray(0, 49)]), new Uint8Array([0x81, ...grown.subarray(49)])])));
  run.attempts.push(await onNewLink("ATT write beyond the MTU: the whole reply in one Write Request at MTU 23, fragmented on the link", 23, (link) => writes(link, [oneChunk(spent)])));
  const whole = oneChunk(spent);
  const fragments = Array.from({ length: Math.ceil(whole.length / 18) }, (_, i) => ({ offset: i * 18, value: whole.subarray(i * 18, i * 18 + 18) }));
  run.attempts.push(await onNewLink("ATT long write: the reply in Prepare Write fragments beyond the MTU, then Execute", 23, async (link) => (await link.longWrite(fragments)).map(attAnswerName)));
  run.attempts.push(await onNewLink("ATT prepared write at an offset", 23, async (link) => (await link.longWrite([{ offset: 1, value: whole.subarray(0, 18) }])).map(attAnswerName)));
}

/**
 * A fresh genuine reply (taken at the rogue) written in part, the link then lost or closed, and
 * its last chunk written on a new connection: the station must not carry a half reply from one
 * connection into another. The reply is never delivered whole; the next genuine press skips its counter.
 */
async function interrupted(run: BleRun): Promise<void> {
  const { link: first, challenge } = await connectAndRead(run, 23);
  const genuine = chunksFor(await signedAtTheRogue(run, challenge), 23);
  const head = genuine.slice(0, -1);
  const tail = genuine[genuine.length - 1];
  const cut = async (name: string, start: BleAttackerLink | undefined, end: (link: BleAttackerLink) => Promise<void>) =>
    attack(run, name, async () => {
      const link = start ?? (await connectAndRead(run, 23)).link;
      const notes: string[] = [];
      for (const chunk of head) notes.push(attAnswerName(await link.write(chunk)));
      await end(link);
      const { link: next } = await connectAndRead(run, 23);
      notes.push(`after reconnecting: ${attAnswerName(await next.write(tail))}`, await verdictNote(next));
      await next.disconnect();
      return notes;
    });
  run.attempts.push(await cut("disconnect mid-exchange: the link lost after part of a genuine reply, the rest on a new connection", first, (link) => link.lose()));
  run.attempts.push(await cut("disconnect mid-exchange: the central leaves after part of a genuine reply, the rest on a new connection", undefined, (link) => link.disconnect()));
}

/**
 * A relay: the victim's reply to the counter's challenge, taken at the rogue and written back
 * HOLD_MS after the challenge was issued, on a new connection (the station judges any reply on a
 * connection that read a challenge; the host times the reply's own challenge).
 */
async function heldPastBudget(run: BleRun): Promise<void> {
  run.attempts.push(
    await attack(run, `reply held ${HOLD_MS / 1000} s past its challenge (a relay)`, async () => {
      const { link: asked, challenge } = await connectAndRead(run, 53);
      await asked.disconnect();
      const reply = await signedAtTheRogue(run, challenge);
      await passTime(run.world, HOLD_MS);
      const { link } = await connectAndRead(run, 53);
      const notes = await writeReply(link, reply);
      await link.disconnect();
      return notes;
    }),
  );
}

async function statusOf(world: RigWorld, stamp: RigStamp): Promise<string> {
  const response = await world.owner.request("GET", `/v1/stamps/${stamp.id}`);
  const body = response.body as { status?: unknown };
  return response.status === 200 && typeof body.status === "string" ? body.status : `HTTP ${response.status}`;
}

/**
 * Griefing over BLE: two of the victim's replies taken at the rogue for two of the counter's
 * challenges, delivered out of order (the later counter first). The late one must be refused and
 * flagged, and the victim must stay active: accepted here means the tap was accepted or the stamp quarantined.
 */
async function griefing(run: BleRun): Promise<void> {
  const { link: firstLink, challenge: firstChallenge } = await connectAndRead(run, 53);
  await firstLink.disconnect();
  const { link: secondLink, challenge: secondChallenge } = await connectAndRead(run, 53);
  await secondLink.disconnect();
  const earlier = await signedAtTheRogue(run, firstChallenge);
  const later = await signedAtTheRogue(run, secondChallenge);
  const deliver = (reply: Uint8Array) => async () => {
    const { link } = await connectAndRead(run, 53);
    const notes = await writeReply(link, reply);
    await link.disconnect();
    return notes;
  };
  const first = await attack(run, "later reply, relayed first", deliver(later));
  run.attempts.push({ ...first, legitimate: true });
  const late = await attack(run, "griefing: earlier reply, relayed late", deliver(earlier));
  run.attempts.push(griefingAttempt(late.attack, late, await statusOf(run.world, run.victim)));
}

async function runOver(run: BleRun, neighbour: RigStamp, budget: Budget): Promise<void> {
  const rounds = budget.kind === "full" ? 5 : 1;
  for (let round = 0; round < rounds; round++) {
    run.attempts.push(await genuinePress(run, "genuine press at the counter"));
    const sniffed = run.counter.sniffedReplies().at(-1);
    if (sniffed === undefined) throw new Error("the sniffer heard no genuine reply at the counter");
    // The framing carries the sniffed reply while its challenge is still known to the host as spent.
    await replays(run, sniffed);
    await framing(run, reassembled(sniffed));
    run.attempts.push(await genuinePress(run, "genuine press after the replays and the framing"));
    await forgeries(run, budget);
    await otherStamps(run, neighbour, round);
    await interrupted(run);
    run.attempts.push(await genuinePress(run, "genuine press after the interrupted exchanges"));
    await heldPastBudget(run);
    await griefing(run);
  }
  run.attempts.push(await genuinePress(run, "genuine press after every attack"));
}

const NO_BENCH_WHY =
  "no BLE bench on this target: the campaign needs a radio it can reach with its own central, stamps and rogue peripheral around the product's BLE station " +
  "(the rig's test code provides bleno over an emulated HCI controller: test/rig/ble-bench-emulated.ts, run by test/rig/ble-station.test.ts and `npm run rig`)";

/**
 * The BLE counter-station path, end to end: the product's BLE station (bleno's GATT server, as
 * `stamp serve --ble --url` runs it with its enrolled key) between the rig's radios and the host.
 * A sniffer near the counter, an attacker's central and a rogue peripheral louder than the
 * counter attack it; a genuine stamp running the firmware presses at it between the attacks and
 * must be accepted every time.
 */
export const bleStationCampaign: Campaign = {
  name: "ble-station",
  attacks:
    "BLE counter station (bleno → station key → HTTP API): a sniffed reply replayed, bits flipped, other stamps' replies, ATT writes out of order, oversized and beyond the MTU, disconnects mid-reply, a reply held past the deadline, replies relayed out of order to get the stamp quarantined",
  async run(world, budget): Promise<CampaignOutput> {
    const bench = world.target.bleBench;
    if (bench === undefined) return { attempts: [], notRun: [{ attack: "ble-station", why: NO_BENCH_WHY }], figures: [] };
    const victim = await world.newStamp();
    const neighbour = await world.newStamp();
    const counter = await bench.startCounter(world.home);
    try {
      const run: BleRun = { world: world, counter: counter, stamp: counter.stampInReach(victim.flash), victim: victim, rogue: await counter.startRogue(), attempts: [] };
      await runOver(run, neighbour, budget);
      const status = await statusOf(world, victim);
      const faults = counter.faults();
      const figures: Figure[] = [
        { name: "BLE bench", value: bench.label, ok: true },
        { name: "stamp status at the end", value: status, ok: status === "active" },
        { name: "station failures and HCI violations", value: faults.length === 0 ? "none" : faults.join("; "), ok: faults.length === 0 },
        { name: "verdicts the station announced", value: String(counter.verdicts().length), ok: true },
      ];
      return { attempts: run.attempts, notRun: [], figures: figures };
    } finally {
      await counter.stop();
    }
  },
};
