/**
 * The registration-forgery campaign's own flashing stations: the world's flasher registers the
 * world's stamps and keeps its client to itself, and the campaign needs two stations (a
 * challenge issued to one, used by the other) whose every request it shapes itself.
 */
import { ApiClient } from "../../host/client/api-client";
import { RigWorld } from "../world/rig-world";
import { enrolStationKey } from "../world/rig-station";

export interface FlashingStation {
  keyId: string;
  client: ApiClient;
}

export async function enrolFlashingStation(world: RigWorld, name: string): Promise<FlashingStation> {
  return enrolStationKey(world.target, world.owner, { role: "flashing-station", merchantId: world.target.merchantId }, `rig ${world.run} ${name}`);
}

/**
 * Takes what the campaign made out of service: the stamps it registered (genuine ones, and any
 * forged one a weakened host let through) and its station keys. A refusal fails the campaign,
 * as the world's own cleanup does.
 */
export async function retire(owner: ApiClient, stampIds: string[], stations: FlashingStation[]): Promise<void> {
  const refused: string[] = [];
  for (const id of stampIds) {
    const answer = await owner.request("POST", `/v1/stamps/${id}/revoke`);
    if (answer.status !== 200) refused.push(`stamp ${id}: HTTP ${answer.status}`);
  }
  for (const station of stations) {
    const answer = await owner.request("POST", `/v1/credentials/${station.keyId}/revoke`);
    if (answer.status !== 200) refused.push(`station key ${station.keyId}: HTTP ${answer.status}`);
    await station.client.close();
  }
  if (refused.length > 0) throw new Error(`the rig could not revoke what it made: ${refused.join("; ")}`);
}
