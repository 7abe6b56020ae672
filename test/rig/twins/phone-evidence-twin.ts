import { Twin } from "../../../rig/twin";
import { amnesiacStore } from "./amnesiac-store";
import { startEmbeddedHost } from "../../../rig/embedded-host";

/**
 * The phone-url-replay campaign's twin: a phone-serving host whose store forgets the evidence it
 * kept (the signatures kept per counter, the stamp's last counter) and reports lost writes as
 * committed (amnesiac-store.ts): a used or kept-back URL then credits again.
 */
export const phoneEvidenceTwin: Twin = {
  campaign: "phone-url-replay",
  weakness: "a store that forgets kept URL evidence and stamp counters, and reports lost writes as committed (amnesiac-store.ts)",
  start: () => startEmbeddedHost(amnesiacStore),
};
