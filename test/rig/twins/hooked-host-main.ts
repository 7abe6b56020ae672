/**
 * A twin host whose weakness is a module substituted at load time: the embedded rig host in a
 * process of its own, with the Node module hooks named by the first argument (a file beside
 * this one, e.g. lax-tap-signature-hooks.mjs) registered before any host module loads. Prints
 * one JSON line { url, ownerToken, merchantId } when it listens; stops on SIGTERM.
 */
import { register } from "node:module";

const hooks = process.argv[2];
if (hooks === undefined || !/^[a-z0-9-]+-hooks\.mjs$/.test(hooks)) throw new Error("usage: hooked-host-main.ts <name>-hooks.mjs");
register("./" + hooks, import.meta.url);
const { startEmbeddedHost } = await import("../../../rig/embedded-host");
const host = await startEmbeddedHost();
process.stdout.write(JSON.stringify({ url: host.target.url, ownerToken: host.target.ownerToken, merchantId: host.target.merchantId }) + "\n");
process.once("SIGTERM", () => {
  host.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
