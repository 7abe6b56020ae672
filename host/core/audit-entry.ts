import { Principal } from "./access/principal";
import { NewAuditEntry } from "./model";

/** Who acted: a credential, or the verifier itself deciding on a tap. */
export type Actor = Principal | "system";

/** An audit chain entry for one change; `detail` is kept as JSON text. */
export function auditEntry(actor: Actor, at: number, merchantId: string | null, action: string, subject: string, detail: object = {}): NewAuditEntry {
  return {
    at: at,
    actor: actor === "system" ? "system" : actor.credentialId,
    merchantId: merchantId,
    action: action,
    subject: subject,
    detail: JSON.stringify(detail),
  };
}
