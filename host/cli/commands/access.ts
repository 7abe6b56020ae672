import { Command, InvalidArgumentError } from "commander";
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { createStationKeyFile, loadStationKeyFile, setStationKeyId } from "../../auth/station-key";
import { bootstrapOperator } from "../../core/access/credentials";
import { PERSON_ROLES, STATION_ROLES } from "../../core/access/principal";
import { CredentialView } from "../../http/views";
import { createHostKeyFile } from "../../ledger/host-key";
import { describeStoreLocation, openStore } from "../../store/open-store";
import { CliContext, dbPath, moreHint, Page, print, withApi } from "../context";
import { CliError } from "../io";
import { pageQuery } from "../query";
import { formatTable, shortTime } from "../table";

interface JsonOption {
  json?: boolean;
}

function oneOf<T extends string>(values: readonly T[], name: string): (value: string) => T {
  return (value) => {
    const found = values.find((candidate) => candidate === value);
    if (found === undefined) throw new InvalidArgumentError(`${name} must be one of ${values.join(", ")}.`);
    return found;
  };
}

/** Writes a secret to a new file readable by its owner only; never overwrites. */
async function writeSecretFile(path: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === "EEXIST" ? `${path} already exists: it is not overwritten` : `cannot write ${path}: ${String(error)}`);
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

function credentialTable(page: Page<CredentialView>): string {
  if (page.items.length === 0) return "no credentials\n";
  const rows = page.items.map((c) => [c.id, c.role, c.merchantId ?? "-", c.verifierId ?? "-", c.kind, c.revokedAt === null ? (c.expiresAt === null ? "live" : "until " + shortTime(c.expiresAt)) : "revoked", c.label]);
  return formatTable(["ID", "ROLE", "MERCHANT", "VERIFIER", "KIND", "STATE", "LABEL"], rows) + moreHint(page, "--after");
}

export function addAccessCommands(program: Command, context: CliContext): void {
  program
    .command("init")
    .description("create the database and its operator credential, once; the token is written to a file (mode 0600) and shown nowhere else")
    .option("--token-out <file>", "where to write the operator's token", "./stamp-operator.token")
    .option("--host-key-out <file>", "where to make the host's ledger checkpoint key (kept outside the database)", "./stamp-host.key")
    .option("--label <label>", "the operator's name", "operator")
    .action(async (options: { tokenOut: string; hostKeyOut: string; label: string }, command: Command) => {
      const path = dbPath(command);
      const tokenPath = resolve(options.tokenOut);
      const hostKeyPath = resolve(options.hostKeyOut);
      // Refused before anything is made: init runs once, and never overwrites a secret.
      for (const file of [tokenPath, hostKeyPath]) if (existsSync(file)) throw new CliError(`${file} already exists: it is not overwritten`);
      // openStore loads the adapter only now: `stamp --help` never loads SQLite or pg.
      const store = await openStore(path);
      try {
        const made = await bootstrapOperator(store, options.label, Date.now());
        if (!made.ok) throw new CliError(made.error.message);
        await writeSecretFile(tokenPath, made.value.token + "\n");
        const hostKey = createHostKeyFile(hostKeyPath);
        if (!hostKey.ok) throw new CliError(hostKey.error);
        context.io.out(`database ${describeStoreLocation(path)} ready; operator credential ${made.value.credential.id}\n`);
        context.io.out(`operator token written to ${tokenPath} (mode 0600): use it with --token-file or STAMP_TOKEN\n`);
        context.io.out(`host checkpoint key ${hostKey.value.id} written to ${hostKeyPath} (mode 0600): keep it off the database's disk; use it with --host-key\n`);
      } finally {
        await store.close();
      }
    });

  const tokens = program.command("tokens").description("API tokens for people: operator → owners; owner → owners, managers, auditors of the merchant");
  tokens
    .command("add")
    .description("issue a token (shown once: keep it; only its hash is stored)")
    .requiredOption("--role <role>", PERSON_ROLES.join(", "), oneOf(PERSON_ROLES, "--role"))
    .option("--merchant <id>", "the merchant the token acts for (not for operator)")
    .requiredOption("--label <label>", "whose token this is, e.g. 'Jiwoo (owner)'")
    .option("--days <n>", "days until it expires (1-366, default 90)")
    .option("--out <file>", "write the token to this new file (mode 0600) instead of printing it")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { role: string; merchant?: string; label: string; days?: string; out?: string }, command: Command) => {
      const days = options.days === undefined ? undefined : Number(options.days);
      const body = { role: options.role, merchantId: options.merchant, label: options.label, ttlDays: days };
      const issued = await withApi(context, command, (api) => api.call<{ token: string; credential: CredentialView }>("POST", "/v1/tokens", body, { merchantId: "--merchant", label: "--label", ttlDays: "--days" }));
      if (options.out !== undefined) await writeSecretFile(resolve(options.out), issued.token + "\n");
      const shown = options.out === undefined ? issued : { credential: issued.credential, tokenFile: resolve(options.out) };
      print(context, options.json, shown, () =>
        `token ${issued.credential.id} (${issued.credential.role}${issued.credential.merchantId === null ? "" : " of " + issued.credential.merchantId}) until ${shortTime(issued.credential.expiresAt ?? "")}\n` +
        (options.out === undefined ? `${issued.token}\n(shown once: store it now)\n` : `written to ${resolve(options.out)}\n`),
      );
    });
  tokens
    .command("list")
    .description("list credentials (tokens and station keys) this credential may see")
    .option("--limit <n>", "at most this many (1-1000)", "100")
    .option("--after <id>", "the page after this id")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { limit?: string; after?: string }, command: Command) => {
      const page = await withApi(context, command, (api) => api.call<Page<CredentialView>>("GET", "/v1/credentials" + pageQuery(options), undefined, { limit: "--limit", after: "--after" }));
      print(context, options.json, page, () => credentialTable(page));
    });
  tokens
    .command("revoke")
    .description("revoke a token or a station key at once")
    .argument("<id>", "credential id: 16 hex digits")
    .option("--json", "print JSON")
    .action(async (id: string, options: JsonOption, command: Command) => {
      const revoked = await withApi(context, command, (api) => api.call<CredentialView>("POST", `/v1/credentials/${encodeURIComponent(id)}/revoke`));
      print(context, options.json, revoked, () => `credential ${revoked.id} (${revoked.role}, ${revoked.label}) revoked\n`);
    });

  const codes = program.command("codes").description("one-time enrolment codes for installing stations (owner, manager)");
  codes
    .command("add")
    .description("issue a code a station enrols its own key with (`stamp station enrol`); valid for an hour, once")
    .requiredOption("--role <role>", STATION_ROLES.join(", "), oneOf(STATION_ROLES, "--role"))
    .option("--verifier <id>", "for a counter station: the verifier it will be")
    .option("--merchant <id>", "for a flashing station: the merchant it registers stamps for (default: yours)")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { role: string; verifier?: string; merchant?: string }, command: Command) => {
      const body = { role: options.role, verifierId: options.verifier, merchantId: options.merchant };
      const code = await withApi(context, command, (api) => api.call<{ code: string; expiresAt: string }>("POST", "/v1/enrolment-codes", body, { verifierId: "--verifier", merchantId: "--merchant" }));
      print(context, options.json, code, () => `enrolment code ${code.code} (${options.role}, valid until ${shortTime(code.expiresAt)}, once)\n`);
    });

  const station = program.command("station").description("this machine as a station: its own key");
  station
    .command("enrol")
    .description("make this station's Ed25519 key (file mode 0600; the private key never leaves it) and enrol it with a one-time code")
    .requiredOption("--code <code>", "the enrolment code from `stamp codes add`")
    .requiredOption("--key <file>", "where to keep the station's key (must not exist yet)")
    .requiredOption("--role <role>", STATION_ROLES.join(", "), oneOf(STATION_ROLES, "--role"))
    .option("--label <label>", "a name for people, e.g. 'Gangnam front counter'", "station")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { code: string; key: string; role: (typeof STATION_ROLES)[number]; label: string }, command: Command) => {
      const url = command.optsWithGlobals<{ url?: string }>().url;
      const keyPath = resolve(options.key);
      const existing = await loadStationKeyFile(keyPath, { requireEnrolled: false });
      const key = existing.ok && existing.value.keyId === null ? existing : await createStationKeyFile(keyPath, { role: options.role, url: url ?? "local:" + describeStoreLocation(dbPath(command)) });
      if (!key.ok) throw new CliError(key.error);
      const keyId = Buffer.from(key.value.publicKey).toString("hex").slice(0, 16);
      const body = { code: options.code, publicKey: Buffer.from(key.value.publicKey).toString("hex"), label: options.label };
      // Signed by the new key itself: the host learns the station holds it; the private key stays here.
      const credential = { kind: "station" as const, keyId: keyId, privateKey: key.value.privateKey };
      const enrolled = await withApi(context, command, (api) => api.call<CredentialView>("POST", "/v1/enrolments", body, { code: "--code", label: "--label" }), credential);
      const saved = await setStationKeyId(keyPath, enrolled.id);
      if (!saved.ok) throw new CliError(saved.error);
      print(context, options.json, enrolled, () => `station enrolled: ${enrolled.role} ${enrolled.id}${enrolled.verifierId === null ? "" : " for verifier " + enrolled.verifierId} (key ${keyPath})\n`);
    });

  const firmware = program.command("firmware").description("firmware images the operator approved for stamps");
  firmware
    .command("approve")
    .description("approve a firmware hash (the manifest's firmwareHash): only stamps running approved firmware are registered")
    .argument("<hash>", "64 lower-case hex digits")
    .requiredOption("--label <label>", "e.g. 'stamp firmware 0.1.0'")
    .action(async (hash: string, options: { label: string }, command: Command) => {
      const approved = await withApi(context, command, (api) => api.call<{ hash: string; label: string }>("POST", "/v1/firmware", { hash: hash, label: options.label }, { hash: "<hash>", label: "--label" }));
      context.io.out(`firmware ${approved.hash} approved: ${approved.label}\n`);
    });
}
