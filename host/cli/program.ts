/**
 * The `stamp` command line. Every command goes through the HTTP API in-process (see api.ts),
 * so it validates exactly as the network API does; `serve` runs that API on a socket.
 * The program is built here without the demo: the demo drives firmware code, which the host
 * must never import, so bin/stamp-main.ts (the wiring) adds it through `extra`.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { isBaseUrl } from "../../shared/phone-url";
import { addAccessCommands } from "./commands/access";
import { addFlashCommand } from "./commands/flash";
import { addHistoryCommands } from "./commands/history";
import { addLedgerCommands } from "./commands/ledger";
import { addLoyaltyCommands } from "./commands/loyalty";
import { addCouponCommands } from "./commands/coupons";
import { addAnalyticsCommands } from "./commands/analytics";
import { addRegistryCommands } from "./commands/registry";
import { addServeCommand } from "./commands/serve";
import { addStampCommands } from "./commands/stamps";
import { addWorkerCommands } from "./commands/workers";
import { addDashboardCommands } from "./commands/dashboard";
import { CliContext, DEFAULT_DB } from "./context";
import { processIo } from "./io";

export type { CliContext };

function parsePublicUrl(value: string): string {
  if (!isBaseUrl(value)) throw new InvalidArgumentError('must be an http:// or https:// address without a trailing "/", "?" or "#", at most 64 characters (what stamps are flashed with: stamp flash --phone-url).');
  return value;
}

export function buildProgram(extra?: (program: Command, context: CliContext) => void, context: CliContext = { io: processIo }): Command {
  const program = new Command("stamp");
  // Set before any subcommand is made: commander copies these settings into each of them.
  program
    .description("host of the smart stamp: access, registry of merchants, shops, verifiers and stamps; challenges, taps, ledger, alerts")
    .version("0.1.0", "-V, --version", "print the version")
    .addOption(new Option("--db <path>", "the database: an SQLite file, or a PostgreSQL URL (postgres://user@host:5432/stamp)").env("STAMP_DB").default(DEFAULT_DB))
    .addOption(new Option("--url <url>", "a remote host's API instead of the local database, e.g. https://stamp.shop.lan:8443").env("STAMP_URL"))
    .addOption(new Option("--ca <file>", "trust this CA (PEM) for --url's TLS certificate").env("STAMP_CA"))
    .addOption(new Option("--token-file <file>", "your API token, in a file (or STAMP_TOKEN in the environment)").env("STAMP_TOKEN_FILE"))
    .addOption(new Option("--station-key <file>", "act as the station whose key this is (`stamp station enrol`)").env("STAMP_STATION_KEY"))
    .addOption(
      new Option("--public-url <url>", "the address phones reach this host at, e.g. https://stamp.example.kr: stamps sign their phone URLs for it (serve: http://localhost:<port> on loopback)")
        .env("STAMP_PUBLIC_URL")
        .argParser(parsePublicUrl),
    )
    .addOption(new Option("--host-key <file>", "the host's ledger checkpoint key (`stamp init` made it), for serve and ledger commands on the local database").env("STAMP_HOST_KEY"))
    .exitOverride()
    .configureOutput({ writeOut: context.io.out, writeErr: context.io.err })
    .showHelpAfterError("(run with --help for usage)");
  addAccessCommands(program, context);
  addServeCommand(program, context);
  addRegistryCommands(program, context);
  addStampCommands(program, context);
  addHistoryCommands(program, context);
  addLedgerCommands(program, context);
  addWorkerCommands(program, context);
  addDashboardCommands(program, context);
  addLoyaltyCommands(program, context);
  addCouponCommands(program, context);
  addAnalyticsCommands(program, context);
  addFlashCommand(program, context);
  extra?.(program, context);
  return program;
}
