/**
 * The registration-forgery twin: the embedded rig host in a process of its own, with the
 * registration core's key and proof checks replaced (lax-registration-hooks.mjs) before any host
 * module loads. Prints one JSON line { url, ownerToken, merchantId } when it listens; stops on
 * SIGTERM.
 */
import { register } from "node:module";

register("./lax-registration-hooks.mjs", import.meta.url);
const { startEmbeddedHost } = await import("../../../rig/embedded-host");
const host = await startEmbeddedHost();
process.stdout.write(JSON.stringify({ url: host.target.url, ownerToken: host.target.ownerToken, merchantId: host.target.merchantId }) + "\n");
process.once("SIGTERM", () => {
  host.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
