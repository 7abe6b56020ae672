import { generateKeyPairSync, createPublicKey } from "node:crypto";
import { ApiClient } from "../../host/client/api-client";
import { toHex } from "../../shared/hex";
import { RigWorld } from "../world/rig-world";
import { transportFrom } from "./address-transport";

/**
 * A counter station enrolled (as `stamp station enrol` does) at the world's second verifier, whose
 * requests all leave from `localAddress`: a flooder holding a genuine station key, on an address
 * of its own. Returns its key id (to revoke it) and its client.
 */
export async function floodStation(world: RigWorld, localAddress: string, label: string): Promise<{ keyId: string; client: ApiClient }> {
  const code = await world.owner.request("POST", "/v1/enrolment-codes", { role: "counter-station", verifierId: world.other.verifierId });
  if (code.status !== 201) throw new Error(`enrolment code: HTTP ${code.status}`);
  const privateKey = generateKeyPairSync("ed25519").privateKey;
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const publicKey = toHex(new Uint8Array(spki.subarray(spki.length - 32)));
  const transport = () => transportFrom(world.target.url, localAddress);
  const enrolling = new ApiClient(transport(), { kind: "station", keyId: publicKey.slice(0, 16), privateKey: privateKey }, world.target.clock);
  const enrolled = await enrolling.request("POST", "/v1/enrolments", { code: (code.body as { code: string }).code, publicKey: publicKey, label: `rig ${world.run} ${label}` });
  await enrolling.close();
  if (enrolled.status !== 201) throw new Error(`enrolment: HTTP ${enrolled.status}`);
  const keyId = String((enrolled.body as { id: unknown }).id);
  return { keyId: keyId, client: new ApiClient(transport(), { kind: "station", keyId: keyId, privateKey: privateKey }, world.target.clock) };
}
