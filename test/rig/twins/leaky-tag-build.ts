import { FIRMWARE_BUILD, StampBuild } from "../../../rig/extraction/stamp-build";
import { startEmbeddedHost } from "../../../rig/embedded-host";
import { RunningHost, Twin } from "../../../rig/twin";

/**
 * The key-extraction campaign's twin, in test code: the stamp firmware as built, with its seed
 * copied into the last 32 bytes of the tag memory (pages 76-83, outside the mailbox), as a
 * careless build that kept the key "near the radio" would. The campaign must find it.
 */
export const leakyTagBuild: StampBuild = {
  name: "the stamp firmware with its seed in tag pages 76-83",
  boot(flash, air) {
    const booted = FIRMWARE_BUILD.boot(flash, air);
    const seed = booted.runtime.stamp.key?.seed;
    const memory = booted.runtime.mailbox.memory;
    if (seed !== undefined) memory.set(seed, memory.length - seed.length);
    return booted;
  },
};

/** The rig's embedded host, carrying the leaky stamp build on its Target for the campaign to boot. */
async function startLeakyStampHost(): Promise<RunningHost> {
  const host = await startEmbeddedHost();
  return { ...host, target: { ...host.target, stampBuild: leakyTagBuild } };
}

export const leakyStampTwin: Twin = {
  campaign: "key-extraction",
  weakness: "a stamp build that leaves its seed in tag pages outside the mailbox (leaky-tag-build.ts)",
  start: startLeakyStampHost,
};
