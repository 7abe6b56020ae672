/**
 * The world a load run needs, made through the core's real access flows on a fresh database:
 * one merchant, shops, and one lane per simulated counter: its own verifier, its own enrolled
 * counter station (Ed25519 key) and its own stamp. One lane per concurrent client keeps each
 * verifier within its open-challenge limit and gives each stamp its own counter, as many
 * counters in a chain's lunch rush would.
 */
import { authenticateToken, bootstrapOperator, issueToken } from "../../host/core/access/credentials";
import { addMerchant, addShop, addVerifier } from "../../host/core/registry";
import { approveFirmware } from "../../host/core/stamp-registration";
import { openStore } from "../../host/store/open-store";
import { Purpose } from "../../shared/protocol-constants";
import { EnrolledStation, enrolTestStation, must, registerTestStamp, TEST_FIRMWARE_HASH, TestStamp } from "../../test/support/test-world";

export const LOAD_MERCHANT = "load-merchant";
/** Counters share shops as in a chain: a few verifiers per shop. */
const LANES_PER_SHOP = 4;

export interface Lane {
  station: EnrolledStation;
  stamp: TestStamp;
}

/** Makes `lanes` lanes on the database at `location` (an SQLite path or a postgres:// URL). */
export async function makeLoadWorld(location: string, lanes: number): Promise<Lane[]> {
  const store = await openStore(location);
  try {
    const now = Date.now();
    const bootstrapped = must(await bootstrapOperator(store, "operator", now));
    const operator = must(await authenticateToken(store, bootstrapped.token, now));
    must(await addMerchant(store, operator, { id: LOAD_MERCHANT, name: "Load Merchant" }, now));
    must(await approveFirmware(store, operator, { hash: TEST_FIRMWARE_HASH, label: "load firmware" }, now));
    const issued = must(await issueToken(store, operator, { role: "owner", merchantId: LOAD_MERCHANT, label: "owner" }, now));
    const owner = must(await authenticateToken(store, issued.token, now));
    const flasher = await enrolTestStation(store, owner, "flashing-station", { merchantId: LOAD_MERCHANT }, now);
    const made: Lane[] = [];
    for (let lane = 0; lane < lanes; lane++) {
      const shopId = `shop-${Math.floor(lane / LANES_PER_SHOP)}`;
      if (lane % LANES_PER_SHOP === 0) must(await addShop(store, owner, { id: shopId, merchantId: LOAD_MERCHANT, name: `Shop ${shopId}` }, now));
      const verifier = must(await addVerifier(store, owner, { shopId: shopId, label: `counter ${lane}`, requirePresence: true, purpose: Purpose.STAMP, quantity: 1 }, now));
      const station = await enrolTestStation(store, owner, "counter-station", { verifierId: verifier.id }, now);
      const stamp = new TestStamp();
      await registerTestStamp(store, flasher.principal, stamp, { label: `stamp ${lane}`, merchantId: LOAD_MERCHANT, shopIds: [shopId] }, now);
      made.push({ station: station, stamp: stamp });
    }
    return made;
  } finally {
    await store.close();
  }
}
