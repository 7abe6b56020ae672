// A counter station in its own process, offline-capable, as `stamp serve --offline` runs it:
// signs its requests with its key (PEM file), keeps its registry copy and queue in its SQLite
// file, and holds a test stamp (its key in a PEM file) to press. Prints "ready" once its
// service exists, then for each stdin line "tap <counter>" presses the stamp through
// runStationTap and prints "<REASON> <message>". The crash test kills it with SIGKILL.
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { decodeChallenge } from "../../shared/challenge";
import { FLAG_USER_PRESENT } from "../../shared/protocol-constants";
import { tapSignedMessage } from "../../shared/signed-message";
import { encodeStampReply, StampStatus } from "../../shared/stamp-reply";
import { encodeTapResponse } from "../../shared/tap-response";
import { ApiClient } from "../../host/client/api-client";
import { offlineCapableTapService } from "../../host/client/offline-tap-service";
import { OfflineQueue } from "../../host/client/offline-queue";
import { httpTransport } from "../../host/client/transports";
import { runStationTap } from "../../host/core/counter-station";

const [url, keyId, stationKeyFile, queueFile, stampKeyFile] = process.argv.slice(2);
const stampKey = createPrivateKey(readFileSync(stampKeyFile, "utf8"));
const spki = createPublicKey(stampKey).export({ format: "der", type: "spki" });
const stampId = new Uint8Array(spki.subarray(spki.length - 32, spki.length - 24));

function press(counter: number) {
  return async (challengeBytes: Uint8Array): Promise<Uint8Array> => {
    const challenge = decodeChallenge(challengeBytes);
    if (!challenge.ok) throw new Error(challenge.error.detail);
    const signature = new Uint8Array(sign(null, tapSignedMessage(challenge.value, stampId, counter, FLAG_USER_PRESENT), stampKey));
    const response = encodeTapResponse({ stampId: stampId, nonce: challenge.value.nonce, counter: counter, flags: FLAG_USER_PRESENT, signature: signature });
    return encodeStampReply({ status: StampStatus.OK, response: response });
  };
}

const client = new ApiClient(httpTransport(url), { kind: "station", keyId: keyId, privateKey: createPrivateKey(readFileSync(stationKeyFile, "utf8")) });
const queue = new OfflineQueue(queueFile);
const service = offlineCapableTapService(client, queue);
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const counter = Number(/^tap (\d+)$/.exec(line.trim())?.[1]);
  const judged = await runStationTap(service, press(counter));
  console.log(`${judged.verdict.reason} ${judged.verdict.message}`);
}
queue.close();
await client.close();
