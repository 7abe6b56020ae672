import fc from "fast-check";

/**
 * One decoder under fuzz: where its inputs come from and what a right answer looks like. The
 * campaign never trusts a decoder's own claim of totality: it calls it with generated inputs
 * (anything of the input's type) and mutated ones (valid encodings with bytes flipped, inserted,
 * deleted or cut), and judges each answer from outside.
 */
export interface Decoder<T> {
  name: string;
  /** Arbitrary inputs of the decoder's type. */
  generated: fc.Arbitrary<T>;
  /** Valid encodings, mutated: they reach deeper than random bytes, past the length and version checks. */
  mutated: fc.Arbitrary<T>;
  /** The product's decoder (or, in a twin's test, a weakened one). */
  decode(input: T): unknown;
  /** Why an answer is not a typed value or a typed error; undefined when it is one. */
  wrongAnswer(answer: unknown): string | undefined;
  /** The input in a form that reproduces it (hex for bytes). */
  show(input: T): string;
  /** A call slower than this is a hang (IN_PROCESS_HANG_MS or OVER_HTTP_HANG_MS). */
  hangMs: number;
}

/**
 * A call slower than this is a hang. In process the decoders take a few hundred bytes and
 * answer in microseconds (the slowest seen, GC pauses on a loaded 2-core machine included, is
 * tens of milliseconds); a request over loopback HTTP waits for the event loop of a busy host.
 */
export const IN_PROCESS_HANG_MS = 500;
export const OVER_HTTP_HANG_MS = 5_000;

/** What went wrong with one input. */
export interface DecoderFailure {
  kind: "threw" | "wrong answer" | "hang";
  input: string;
  why: string;
}

/** One decoder's run: how many calls, the slowest, and every failure (the first few kept whole). */
export interface DecoderRun {
  name: string;
  calls: number;
  slowestMs: number;
  /** The decoder's hang limit, for the report. */
  hangMs: number;
  failures: number;
  examples: DecoderFailure[];
}

const MAX_EXAMPLES = 5;
/** fast-check samples in batches, so that a full run never holds 100,000 inputs at once. */
const BATCH = 5_000;

/** A decoder with its input type hidden: the campaign holds decoders of bytes, text and chunk lists in one list. */
export interface FuzzTarget {
  name: string;
  /** `count` generated and `count` mutated inputs, from `seed`. */
  run(count: number, seed: number): Promise<DecoderRun>;
}

function judgeCall<T>(decoder: Decoder<T>, input: T, answer: unknown, ms: number): DecoderFailure | undefined {
  const wrong = decoder.wrongAnswer(answer);
  if (wrong !== undefined) return { kind: "wrong answer", input: decoder.show(input), why: wrong };
  if (ms > decoder.hangMs) return { kind: "hang", input: decoder.show(input), why: `${ms.toFixed(1)} ms` };
  return undefined;
}

/** Calls the decoder once, timed; an escaping exception or a rejected promise is a failure, never the run's end. */
async function probe<T>(decoder: Decoder<T>, input: T): Promise<{ ms: number; failure: DecoderFailure | undefined }> {
  const started = performance.now();
  try {
    const returned = decoder.decode(input);
    const answer = returned instanceof Promise ? ((await returned) as unknown) : returned;
    const ms = performance.now() - started;
    return { ms: ms, failure: judgeCall(decoder, input, answer, ms) };
  } catch (e) {
    return { ms: performance.now() - started, failure: { kind: "threw", input: decoder.show(input), why: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } };
  }
}

export function fuzzTarget<T>(decoder: Decoder<T>): FuzzTarget {
  return {
    name: decoder.name,
    async run(count, seed) {
      const run: DecoderRun = { name: decoder.name, calls: 0, slowestMs: 0, hangMs: decoder.hangMs, failures: 0, examples: [] };
      for (const [arbitrary, salt] of [[decoder.generated, 0], [decoder.mutated, 1]] as const) {
        for (let done = 0, batch = 0; done < count; done += BATCH, batch++) {
          const inputs = fc.sample(arbitrary, { numRuns: Math.min(BATCH, count - done), seed: (seed + salt * 7919 + batch * 104729) | 0 });
          for (const input of inputs) {
            const { ms, failure } = await probe(decoder, input);
            run.calls++;
            run.slowestMs = Math.max(run.slowestMs, ms);
            if (failure === undefined) continue;
            run.failures++;
            if (run.examples.length < MAX_EXAMPLES) run.examples.push(failure);
          }
        }
      }
      return run;
    },
  };
}
