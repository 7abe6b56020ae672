/**
 * `stamp --help`'s start-up time: the compiled CLI as the npm bin runs it (`npm run build`
 * first), against the TypeScript sources through tsx, as `npm run stamp` runs them and as the bin
 * did before the build. Wall time of a whole process, median of several runs after one
 * unmeasured run that warms the file cache. Run alone: `npx tsx bench/cli-startup.ts`.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface StartupFigure {
  /** The command, as a person would type it in the repository. */
  command: string;
  medianSeconds: number;
  runs: number;
}

/** What an installed `stamp --help` may take on an idle machine (issue 13). */
export const STARTUP_TARGET_SECONDS = 0.3;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

const COMMANDS: { command: string; file: string; args: string[] }[] = [
  { command: "node bin/stamp.mjs --help", file: process.execPath, args: ["bin/stamp.mjs", "--help"] },
  { command: "node --import tsx bin/stamp-main.ts --help", file: process.execPath, args: ["--import", "tsx", "bin/stamp-main.ts", "--help"] },
  { command: "npx tsx bin/stamp-main.ts --help", file: "npx", args: ["tsx", "bin/stamp-main.ts", "--help"] },
];

function secondsOfOneRun(file: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd: ROOT, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0 || !result.stdout.startsWith("Usage: stamp")) {
    throw new Error(`${file} ${args.join(" ")} did not print the help (status ${result.status}): ${result.stderr || String(result.error)}`);
  }
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function measureCliStartup(runs = 7): StartupFigure[] {
  return COMMANDS.map(({ command, file, args }) => {
    secondsOfOneRun(file, args);
    const times = Array.from({ length: runs }, () => secondsOfOneRun(file, args));
    return { command: command, medianSeconds: median(times), runs: runs };
  });
}

export function formatCliStartup(figures: StartupFigure[]): string {
  const lines = [
    "## CLI start-up (`stamp --help`)",
    "",
    `The npm bin runs the compiled CLI (\`npm run build\`: dist/host/); the target for it is ${STARTUP_TARGET_SECONDS} s on an idle machine. Median wall time of a whole process:`,
    "",
    "| command | median s | runs |",
    "|---|---:|---:|",
    ...figures.map((figure) => `| \`${figure.command}\` | ${figure.medianSeconds.toFixed(3)} | ${figure.runs} |`),
  ];
  return lines.join("\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatCliStartup(measureCliStartup()));
}
