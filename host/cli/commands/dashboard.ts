/**
 * `stamp dashboard invite|recover`: the one-time links that let a merchant's people use the
 * dashboard. `invite` adds a person by name and role (an owner invites any role, a manager
 * managers and auditors) and prints the link on which they make their passkey; `recover` (an
 * owner) prints a new link for a person who lost theirs. Links start with the host's public URL:
 * a local database needs --public-url (or STAMP_PUBLIC_URL). `stamp tokens revoke <person id>`
 * ends a person's access.
 */
import { Command } from "commander";
import { DashboardLinkView } from "../../http/dashboard-views";
import { CliContext, print, withApi } from "../context";
import { shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

function linkText(view: DashboardLinkView, who: string): string {
  return `${view.link}\n(${who}: open it once, until ${shortTime(view.expiresAt)}, to make a passkey; person ${view.personId})\n`;
}

export function addDashboardCommands(program: Command, context: CliContext): void {
  const dashboard = program.command("dashboard").description("links that let your merchant's owners, managers and auditors log in to the dashboard with a passkey");
  dashboard
    .command("invite")
    .description("add a person to the dashboard and print their one-time link (24 hours)")
    .requiredOption("--merchant <id>", "the merchant")
    .requiredOption("--role <role>", "owner, manager or auditor")
    .requiredOption("--name <name>", "the person's name, as the dashboard shows it")
    .option("--json", "print JSON (the person's id, the link and its expiry)")
    .action(async (options: JsonOption & { merchant: string; role: string; name: string }, command: Command) => {
      const names = { id: "--merchant", role: "--role", name: "--name" };
      const body = { role: options.role, name: options.name };
      const view = await withApi(context, command, (api) => api.call<DashboardLinkView>("POST", `/v1/merchants/${encodeURIComponent(options.merchant)}/dashboard-invitations`, body, names));
      print(context, options.json, view, () => linkText(view, `send it to ${options.name}`));
    });
  dashboard
    .command("recover")
    .description("a new one-time link (24 hours) for a person who lost their passkey (owner only)")
    .argument("<person-id>", "the person's id (16 hex digits, from `stamp dashboard invite` or `stamp tokens list`)")
    .option("--json", "print JSON (the person's id, the link and its expiry)")
    .action(async (personId: string, options: JsonOption, command: Command) => {
      const view = await withApi(context, command, (api) => api.call<DashboardLinkView>("POST", `/v1/dashboard-people/${encodeURIComponent(personId)}/recovery-links`, undefined, { id: "<person-id>" }));
      print(context, options.json, view, () => linkText(view, "recovery"));
    });
}
