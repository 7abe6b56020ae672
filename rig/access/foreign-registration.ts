import { apiFlashingStation, registerProvedStamp } from "../../sim/provision";
import { Attempt } from "../campaign";
import { bootRigStamp } from "../world/rig-stamp";
import { RigWorld } from "../world/rig-world";
import { revokeRigCredential } from "./access-world";
import { judged } from "./judge-answer";
import { ForeignShop } from "./foreign-station";
import { holdStationKey } from "./station-key";

/** Whether registering succeeded, and the refusal's words when it did not. */
async function tryRegister(run: () => Promise<unknown>): Promise<{ registered: boolean; answer: string }> {
  try {
    await run();
    return { registered: true, answer: "registered" };
  } catch (e) {
    return { registered: false, answer: e instanceof Error ? e.message.slice(0, 120) : String(e) };
  }
}

/**
 * The rig merchant's flashing station, enrolled for it alone, registers a genuinely proved stamp
 * (fresh key, valid proof, approved firmware) for the other merchant's shop: refused, so a
 * merchant's station can never plant a key in another merchant's fleet. The same stamp
 * registered for the rig's own merchant is the legitimate request.
 */
export async function foreignRegistration(world: RigWorld, shop: ForeignShop, ownShop: string): Promise<Attempt[]> {
  const key = await holdStationKey(world, { role: "flashing-station", merchantId: world.target.merchantId }, `rig ${world.run} access flasher`);
  try {
    const flasher = apiFlashingStation(key.client);
    const stamp = bootRigStamp();
    const foreign = await tryRegister(() => registerProvedStamp(flasher, stamp.stamp, { label: `rig-${world.run}-planted`, merchantId: shop.merchantId, shopIds: [shop.shopId] }));
    const own = await tryRegister(() => registerProvedStamp(flasher, stamp.stamp, { label: `rig-${world.run}-own`, merchantId: world.target.merchantId, shopIds: [ownShop] }));
    if (own.registered) await world.owner.request("POST", `/v1/stamps/${stamp.id}/revoke`);
    return [
      judged("a flashing station registers a stamp for another merchant", foreign.registered, foreign.answer),
      { attack: "a flashing station registers a stamp for its own merchant", legitimate: true, accepted: own.registered, flagged: false, answer: own.answer },
    ];
  } finally {
    await revokeRigCredential(world, key.keyId);
    await key.client.close();
  }
}
