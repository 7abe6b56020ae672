import { Attempt, Budget, Campaign, CampaignOutput, Figure } from "../campaign";
import { attWriteDecoder } from "../fuzz/att-write-handler";
import { DecoderRun, FuzzTarget, fuzzTarget } from "../fuzz/fuzz-decoder";
import { httpBodyTargets, newestRecords } from "../fuzz/http-bodies";
import { productDecoders } from "../fuzz/product-decoders";
import { RigWorld } from "../world/rig-world";
import { legitimateTap } from "./legitimate-tap";

/**
 * Inputs per decoder, generated and mutated each (so twice this many calls). The full run makes
 * 100,000 calls per in-process decoder, the HTTP routes included when the target calls them in
 * process (a host the rig started); over the network each call is a round trip, so a deployment's
 * routes get 5,000 each in the full run, and the report's figures say which.
 */
export function inputsPerDecoder(kind: Budget["kind"], overHttp: boolean): number {
  if (overHttp) return kind === "full" ? 2_500 : 40;
  return kind === "full" ? 50_000 : 150;
}

/** A fixed seed per run kind: a failure is reproduced by running again (the examples carry the input too). */
const SEED = 0x5eed_2026;

/**
 * One decoder's run as attempts: one per call, a failure accepted (it crashed, hung, answered
 * untyped or got a tap recorded). The calls that passed share one attempt object: a full run
 * holds over a million of them.
 */
export function decoderAttempts(run: DecoderRun): Attempt[] {
  const attack = `malformed input: ${run.name}`;
  const passed: Attempt = Object.freeze({ attack: attack, legitimate: false, accepted: false, flagged: false, answer: "typed value or error" });
  const failed = run.examples.map((e): Attempt => ({ attack: attack, legitimate: false, accepted: true, flagged: false, answer: `${e.kind} (${e.why}) on ${e.input.slice(0, 200)}` }));
  // Failures beyond the kept examples still count.
  const unnamed = Array.from({ length: run.failures - failed.length }, (): Attempt => ({ attack: attack, legitimate: false, accepted: true, flagged: false, answer: "failed (see the examples)" }));
  return [...failed, ...unnamed, ...Array<Attempt>(run.calls - run.failures).fill(passed)];
}

export function decoderFigure(run: DecoderRun): Figure {
  return { name: `${run.name}: calls, slowest call (hang limit ${run.hangMs} ms)`, value: `${run.calls} calls, slowest ${run.slowestMs.toFixed(2)} ms`, ok: run.slowestMs <= run.hangMs };
}

async function runAll(targets: FuzzTarget[], count: number): Promise<DecoderRun[]> {
  const runs: DecoderRun[] = [];
  for (const target of targets) runs.push(await target.run(count, SEED));
  return runs;
}

/**
 * The campaign over a list of in-process decoders (the product's by default): a twin's test
 * passes a list with a decoder that is not total, which the campaign must catch, with no switch
 * in the product. The HTTP routes are always the target host's own.
 */
export function malformedInputCampaignWith(decoders: () => FuzzTarget[]): Campaign {
  return {
    name: "malformed-input",
    attacks:
      "generated and mutated inputs (fast-check) into every decoder: protocol messages, phone URL tokens, NDEF, BLE reply chunks, checkpoint files, Type 2 Tag frames and APDUs into the firmware's NFC handler, and HTTP bodies to the tap and challenge routes",
    async run(world: RigWorld, budget: Budget): Promise<CampaignOutput> {
      const stamp = await world.newStamp();
      const legitimate: Attempt[] = [(await legitimateTap(world.home, stamp, "legitimate tap before the fuzzing")).attempt];
      const before = await newestRecords(world.owner);
      // The BLE write handler runs in process and reaches the host only for complete replies: it gets the in-process count.
      const runs = await runAll([...decoders(), fuzzTarget(await attWriteDecoder(world.home))], inputsPerDecoder(budget.kind, false));
      // The short run keeps the routes on the network (the path a deployment is reached by); the full run calls them in process where it can.
      const routesInProcess = budget.kind === "full" && world.target.inProcessTransport !== undefined;
      const http = httpBodyTargets(world, routesInProcess);
      try {
        runs.push(...(await runAll(http.targets, inputsPerDecoder(budget.kind, !routesInProcess))));
      } finally {
        await http.close();
      }
      const after = await newestRecords(world.owner);
      // Nothing the fuzzing sent may be recorded (ledger, alerts, audit): one attempt for the whole run.
      const recorded: Attempt = {
        attack: "malformed input: nothing recorded (ledger, alerts, audit)",
        legitimate: false,
        accepted: before !== after,
        flagged: false,
        answer: before === after ? "unchanged" : `changed: ${after.slice(0, 300)}`,
      };
      legitimate.push((await legitimateTap(world.home, stamp, "legitimate tap after the fuzzing")).attempt);
      return { attempts: [...runs.flatMap(decoderAttempts), recorded, ...legitimate], notRun: [], figures: runs.map(decoderFigure) };
    },
  };
}

export const malformedInputCampaign: Campaign = malformedInputCampaignWith(productDecoders);
