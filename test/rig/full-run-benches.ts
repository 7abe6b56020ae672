/**
 * What `npm run rig` adds, from the rig's test code, when it attacks a host it started itself:
 * the benches a deployment reached by URL cannot have, so that the full report runs them instead
 * of listing them "not run".
 *
 * - floods: a host process of its own with the product's own limits and a flood bench measuring
 *   its challenges table and memory (flood-host.ts, as test/rig/floods.test.ts runs it);
 * - nonce quality: the embedded host in a thread of its own (rig/threaded-host.ts), so a million
 *   challenges take minutes;
 * - key extraction: locked stamps on the Puck-like Espruino, the x86-64 build and the ARM build
 *   under qemu-arm (ESPRUINO_BIN / ESPRUINO_ARM_BIN, socat, dist/firmware/stamp.js), and for its
 *   twin the same stamps with their consoles left open beside the leaky tag build.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FIRMWARE_DIR } from "../../host/flashing/firmware-image";
import { LockedConsoleBench } from "../../rig/extraction/console-bench";
import { Target } from "../../rig/target";
import { startThreadedHost } from "../../rig/threaded-host";
import { RunningHost, Twin } from "../../rig/twin";
import { deviceKinds, DeviceKind } from "../flashing/device-bridge";
import { EspruinoBenches, startEspruinoBenches } from "./espruino-console-bench";
import { startFloodHost } from "./twins/flood-host";

export interface FullRunBenches {
  /** Campaigns that get a host of their own (RunPlan.ownHosts). */
  ownHosts: ReadonlyMap<string, () => Promise<RunningHost>>;
  /** The rig's target with the locked consoles on it. */
  equip(target: Target): Target;
  /** The twins, key extraction's also carrying the consoles left open. */
  twins(all: readonly Twin[]): Twin[];
  /** Benches that could not be provided, and why (the campaign then reports them not run). */
  missing: string[];
  stop(): void;
}

function espruinoKinds(): { kinds: DeviceKind[]; missing: string[] } {
  const found = deviceKinds();
  const missing: string[] = [];
  if (!existsSync(join(DEFAULT_FIRMWARE_DIR, "stamp.js"))) return { kinds: [], missing: ["Espruino consoles: dist/firmware/stamp.js is not built (npm run build:firmware)"] };
  if (found.x86 === undefined) missing.push(`Espruino console (x86_64): ${found.missing.join("; ")}`);
  if (found.arm === undefined) missing.push("Espruino console (ARM under qemu-arm): ESPRUINO_ARM_BIN or socat missing");
  return { kinds: [found.x86, found.arm].filter((k): k is DeviceKind => k !== undefined), missing: missing };
}

/** Starts what the chosen campaigns need (the Espruino stamps only for key extraction). */
export async function startFullRunBenches(campaigns: readonly string[]): Promise<FullRunBenches> {
  const ownHosts = new Map<string, () => Promise<RunningHost>>([
    ["floods", () => startFloodHost(false)],
    ["nonce-quality", startThreadedHost],
  ]);
  const espruinos: EspruinoBenches[] = [];
  const missing: string[] = [];
  if (campaigns.includes("key-extraction")) {
    const found = espruinoKinds();
    missing.push(...found.missing);
    for (const kind of found.kinds) {
      try {
        espruinos.push(await startEspruinoBenches(kind));
      } catch (e) {
        missing.push(`Espruino console (${kind.label}): ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  const locked: LockedConsoleBench[] = espruinos.map((b) => b.locked);
  const unlocked: LockedConsoleBench[] = espruinos.map((b) => b.unlocked);
  return {
    ownHosts: ownHosts,
    equip: (target) => (locked.length === 0 ? target : { ...target, lockedConsoles: locked }),
    twins: (all) =>
      all.map((twin) =>
        twin.campaign !== "key-extraction" || unlocked.length === 0
          ? twin
          : {
              ...twin,
              weakness: `${twin.weakness}; on Espruino, the same stamps from a flash copy made before STAMP.lock() (console left open)`,
              start: async () => {
                const host = await twin.start();
                return { ...host, target: { ...host.target, lockedConsoles: unlocked } };
              },
            },
      ),
    missing: missing,
    stop() {
      for (const bench of espruinos) bench.remove();
    },
  };
}
