import { CredentialRecord } from "../../../host/core/model";
import { StaffStore } from "../../../host/store/staff-store";
import { Store } from "../../../host/store/store";
import { storeOverriding } from "./store-override";

/** A dashboard person: a credential of a person's role with neither a token secret nor a station key. */
function isDashboardPerson(credential: CredentialRecord): boolean {
  return ["owner", "manager", "auditor"].includes(credential.role) && credential.secretHash === undefined && credential.publicKey === undefined && credential.revokedAt === undefined;
}

/**
 * A store whose session lookup hands a session of any other merchant's person to a live
 * dashboard person of `merchantId` (an owner where there is one): a host that keys its sessions on the wrong thing (a session
 * table shared across merchants, a person looked up by name), its merchant check in effect gone
 * for the dashboard. The access-control campaign must see another merchant's session reach the
 * rig's stamps here. Tokens, station keys and the rest of the store are the real ones.
 */
export function sessionBlindStore(merchantId: string): (store: Store) => Store {
  return (store) => {
    const staff = new Proxy(store.staff, {
      get(target, property, receiver) {
        if (property === "findStaffSession") {
          const find: StaffStore["findStaffSession"] = async (secretHash, now) => {
            const session = await target.findStaffSession(secretHash, now);
            if (session === undefined) return undefined;
            const person = await store.getCredential(session.personId);
            if (person === undefined || person.merchantId === merchantId) return session;
            const people = (await store.listCredentials(merchantId, { limit: 1000 })).filter(isDashboardPerson);
            const ours = people.find((p) => p.role === "owner") ?? people[0];
            return ours === undefined ? session : { ...session, personId: ours.id };
          };
          return find;
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    return storeOverriding(store, { staff: staff });
  };
}
