/**
 * `npm run bench:load [-- --seconds N] [-- --stores sqlite,postgres]`: the load figures
 * (load-figures.ts) with longer runs than `npm run bench` gives them, printed, and written over
 * the same section of BENCHMARKS.md (from its heading to the next "## "), so that one file keeps
 * every figure; appended when the section is not there yet.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatLoadFigures, measureLoadFigures, withSection } from "./load-figures";

const DEFAULT_SECONDS = 10;
const VERIFY_SECONDS = 3;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const seconds = Number(option("--seconds") ?? DEFAULT_SECONDS);
  if (!(seconds > 0)) throw new Error("--seconds must be a positive number");
  const stores = (option("--stores") ?? "sqlite,postgres").split(",").filter((s): s is "sqlite" | "postgres" => s === "sqlite" || s === "postgres");
  const section = formatLoadFigures(await measureLoadFigures({ seconds: seconds, verifySeconds: VERIFY_SECONDS, stores: stores })).join("\n") + "\n";
  console.log(section);
  if (process.argv.includes("--no-write")) return;
  const path = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "BENCHMARKS.md");
  writeFileSync(path, withSection(existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n", section));
}

main().catch((error: unknown) => {
  console.error(`load bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
