import { Command, InvalidArgumentError } from "commander";
import { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { buildServer } from "../../http/server";
import { SqliteStore } from "../../store/sqlite-store";
import { CliContext, dbPath } from "../context";
import { CliError } from "../io";

function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError("must be a whole number from 0 to 65535 (0: any free port).");
  return Number(value);
}

function parseHost(value: string): string {
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(value)) throw new InvalidArgumentError("must be a host name or an IP address.");
  return value;
}

/** Resolves on the first of SIGINT, SIGTERM or the context's stop signal. */
function untilStopped(context: CliContext): Promise<string> {
  return new Promise((resolveStop) => {
    const finish = (why: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      context.stop?.removeEventListener("abort", onAbort);
      resolveStop(why);
    };
    const onInt = () => finish("SIGINT");
    const onTerm = () => finish("SIGTERM");
    const onAbort = () => finish("stop");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
    if (context.stop?.aborted === true) finish("stop");
    else context.stop?.addEventListener("abort", onAbort, { once: true });
  });
}

export function addServeCommand(program: Command, context: CliContext): void {
  program
    .command("serve")
    .description("run the HTTP API until SIGINT or SIGTERM, then close the database cleanly")
    .option("--port <port>", "TCP port (0: any free port)", parsePort, 8080)
    .option("--host <host>", "address to listen on", parseHost, "127.0.0.1")
    .option("--log", "log every request (JSON lines on stderr); failed requests are always logged")
    .action(async (options: { port: number; host: string; log?: boolean }, command: Command) => {
      const path = resolve(dbPath(command));
      let store: SqliteStore;
      try {
        store = new SqliteStore(path);
      } catch (error) {
        throw new CliError(`cannot open the database ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const app = buildServer(store, { logLevel: options.log === true ? "info" : "error" });
      const stopped = untilStopped(context);
      try {
        await app.listen({ port: options.port, host: options.host });
      } catch (error) {
        await app.close();
        await store.close();
        throw new CliError(`cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const address = app.server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      context.io.out(`stamp host listening on http://${host}:${address.port} (database ${path})\n`);
      const why = await stopped;
      context.io.out(`${why}: shutting down\n`);
      await app.close();
      await store.close();
      context.io.out("stopped; database closed\n");
    });
}
