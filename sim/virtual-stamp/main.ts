import { parseArgs } from "node:util";
import { isBaseUrl } from "../../shared/phone-url";
import { proveSimulatedStamp, SIMULATED_FIRMWARE_HASH } from "../provision";
import { VirtualStamp } from "./virtual-stamp";
import { VPCD_DEFAULT_PORT } from "./vpcd-link";

/**
 * The virtual stamp, by hand:
 *
 *   npx tsx sim/virtual-stamp/main.ts --flash ./stamp-flash.json [--port 35963] [--tap-every 2s] [--hold 1s] [--phone-url URL] [--verbose]
 *   npx tsx sim/virtual-stamp/main.ts --flash ./stamp-flash.json --prove <provisioning challenge hex>
 *
 * Boots the real firmware on a simulated Puck.js (the key and counter live in the flash file,
 * made on first run), then puts it in the field of vpcd's virtual reader. Without --tap-every it
 * stays in the field (and comes back if pcscd restarts); with it, it enters the field every
 * interval and leaves it after --hold. Prints its public key and each new counter. With --prove it
 * prints, as JSON, its proof of possession over a flashing station's provisioning challenge (what
 * STAMP.prove answers on a Puck.js; the firmware hash is SIMULATED_FIRMWARE_HASH, which the
 * operator must approve) for POST /v1/stamps, and exits. With --phone-url the stamp signs a phone URL
 * for that base URL at each press (each entry into the field presses it; docs/protocol.md §15).
 */
function duration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (match === null) throw new Error(`--${name}: a duration like 2s or 500ms, not "${text}"`);
  return Number(match[1]) * (match[2] === "ms" ? 1 : 1000);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      flash: { type: "string", default: "./stamp-flash.json" },
      port: { type: "string", default: String(VPCD_DEFAULT_PORT) },
      host: { type: "string", default: "127.0.0.1" },
      "tap-every": { type: "string" },
      hold: { type: "string", default: "1s" },
      verbose: { type: "boolean", default: false },
      prove: { type: "string" },
      "phone-url": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log("usage: tsx sim/virtual-stamp/main.ts --flash FILE [--port 35963] [--host 127.0.0.1] [--tap-every 2s] [--hold 1s] [--phone-url URL] [--verbose]");
    console.log("       tsx sim/virtual-stamp/main.ts --flash FILE --prove CHALLENGE_HEX");
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port: not a TCP port: ${values.port}`);
  const every = values["tap-every"] === undefined ? undefined : duration(values["tap-every"], "tap-every");
  const hold = duration(values.hold, "hold");
  const phoneUrl = values["phone-url"];
  if (phoneUrl !== undefined && !isBaseUrl(phoneUrl)) throw new Error(`--phone-url: not a base URL (http:// or https://, at most 64 characters, no trailing /): ${phoneUrl}`);
  const stamp = new VirtualStamp({
    port: port,
    host: values.host,
    flashFile: values.flash,
    phoneUrl: phoneUrl,
    log: values.verbose ? (line) => console.log(line) : undefined,
  });
  if (values.prove !== undefined) {
    const proof = proveSimulatedStamp(stamp.runtime.stamp, values.prove.trim().toLowerCase());
    console.log(JSON.stringify({ publicKey: stamp.publicKeyHex, proof: proof }));
    return;
  }
  console.log(`virtual stamp: public key ${stamp.publicKeyHex}, counter ${stamp.counter}, flash ${values.flash}`);
  console.log(`registration is by a flashing station with a proof: --prove <provisioning challenge> (firmware ${SIMULATED_FIRMWARE_HASH})`);
  let counter = stamp.counter;
  const report = () => {
    if (stamp.counter !== counter) {
      counter = stamp.counter;
      console.log(`signed: counter ${counter}`);
    }
  };
  let stopping = false;
  const stop = () => {
    stopping = true;
    void stamp.remove().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  for (;;) {
    if (stopping) return;
    await stamp.present({ timeoutMs: every === undefined ? 60_000 : 10_000 });
    console.log("in the reader's field");
    if (every === undefined) {
      while (stamp.inField) {
        await pause(200);
        report();
      }
      console.log("vpcd closed the link; coming back in 1 s");
      await pause(1000);
    } else {
      await pause(hold);
      report();
      await stamp.remove();
      console.log("left the field");
      await pause(Math.max(0, every - hold));
    }
  }
}

main().catch((error: unknown) => {
  console.error(`virtual stamp: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
