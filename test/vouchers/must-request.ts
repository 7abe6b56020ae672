import { requestRedemption } from "../../host/core/phone/vouchers";
import { Store } from "../../host/store/store";

/** Asks to redeem, as the card page's "use now" does; throws when the request is refused. */
export async function mustRequest(store: Store, input: Parameters<typeof requestRedemption>[1]): Promise<void> {
  const asked = await requestRedemption(store, input);
  if (!asked.ok) throw new Error(`redemption request refused: ${asked.why}`);
}
