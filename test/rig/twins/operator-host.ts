import { issueToken, principalOf } from "../../../host/core/access/credentials";
import { Store } from "../../../host/store/store";
import { startEmbeddedHost } from "../../../rig/embedded-host";
import { RunningHost } from "../../../rig/twin";
import { softwarePasskeys } from "./software-passkeys";

/**
 * The embedded rig host, plus an operator token on its Target (`operatorToken`): the access
 * campaign needs one to make a second merchant. startEmbeddedHost keeps its operator's token to
 * itself, so this one issues another through the core, as `stamp tokens add` would, from the
 * store it sees through the wrap. `wrap` still weakens the host for a twin. The target carries a
 * software WebAuthn authenticator too, for the dashboard-session attacks.
 */
export async function startHostWithOperator(wrap: (store: Store) => Store = (store) => store): Promise<RunningHost & { target: { operatorToken: string } }> {
  let real: Store | undefined;
  const host = await startEmbeddedHost((store) => {
    real = store;
    return wrap(store);
  });
  if (real === undefined) throw new Error("the embedded host did not show its store");
  const operators = (await real.listCredentials(undefined, { limit: 1000 })).filter((c) => c.role === "operator" && c.revokedAt === undefined);
  const principal = operators.length === 0 ? undefined : principalOf(operators[0]);
  if (principal === undefined) throw new Error("the embedded host has no operator");
  const issued = await issueToken(real, principal, { role: "operator", label: "rig access operator" }, host.target.clock());
  if (!issued.ok) throw new Error(issued.error.message);
  return { ...host, target: { ...host.target, operatorToken: issued.value.token, passkeys: softwarePasskeys } };
}
