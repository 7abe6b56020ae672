import { Command } from "commander";
import { Merchant, Shop } from "../../core/model";
import { MAX_TAP_QUANTITY } from "../../core/registry";
import { PURPOSE_NAMES } from "../../http/purpose-names";
import { VerifierView } from "../../http/views";
import { CliContext, moreHint, Page, print, withApi } from "../context";
import { CliError } from "../io";
import { pageQuery } from "../query";
import { placeMerchant } from "../../store/merchant-placement";
import { formatTable } from "../table";

interface JsonOption {
  json?: boolean;
}

interface ListOptions extends JsonOption {
  limit?: string;
  after?: string;
}

function listOptions(command: Command, what: string): Command {
  return command
    .option("--limit <n>", `at most this many ${what} (1-1000)`, "100")
    .option("--after <id>", "the page after this id (printed under a full page)")
    .option("--json", "print JSON");
}

/** Decimal degrees as typed ("37.4979", "-122.4"): anything else is refused before a request is made; the host checks the ranges. */
function parseDegrees(flag: string): (value: string) => number {
  return (value) => {
    if (!/^-?\d{1,3}(\.\d{1,12})?$/.test(value)) throw new CliError(`${flag} must be decimal degrees, e.g. 37.4979`);
    return Number(value);
  };
}

function parsePurpose(value: string): string {
  if (!(PURPOSE_NAMES as readonly string[]).includes(value)) throw new CliError(`--purpose must be one of ${PURPOSE_NAMES.join(", ")}`);
  return value;
}

function parseQuantity(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_TAP_QUANTITY) throw new CliError(`--quantity must be a whole number from 1 to ${MAX_TAP_QUANTITY}`);
  return Number(value);
}

function verifierTable(page: Page<VerifierView>): string {
  if (page.items.length === 0) return "no verifiers\n";
  const rows = page.items.map((v) => [v.id, v.shopId, v.purpose, String(v.quantity), v.requirePresence ? "required" : "not needed", v.label]);
  return formatTable(["ID", "SHOP", "PURPOSE", "QTY", "PRESENCE", "LABEL"], rows) + moreHint(page, "--after");
}

export function addRegistryCommands(program: Command, context: CliContext): void {
  const merchants = program.command("merchants").description("manage merchants (the businesses that own shops and stamps; the operator adds them)");
  merchants
    .command("add")
    .description("register a merchant (operator)")
    .argument("<id>", 'merchant id: 1-40 of a-z, 0-9 and "-"')
    .argument("<name>", "display name")
    .option("--json", "print the merchant as JSON")
    .action(async (id: string, name: string, options: JsonOption, command: Command) => {
      const names = { id: "<id>", name: "<name>" };
      const merchant = await withApi(context, command, (api) => api.call<Merchant>("POST", "/v1/merchants", { id: id, name: name }, names));
      print(context, options.json, merchant, () => `merchant ${merchant.id} added: ${merchant.name}\n`);
    });
  merchants
    .command("place")
    .description("say which shard (database) a new merchant belongs on, when merchants are spread over several (docs/scale.md); then add it there with --db or --url")
    .argument("<id>", "merchant id")
    .option("--shard <name>", "a shard's name; repeat for each shard, in any order", (value: string, previous: string[]) => [...previous, value], [])
    .option("--json", "print the placement as JSON")
    .action((id: string, options: { shard: string[]; json?: boolean }) => {
      if (options.shard.length === 0) throw new CliError("name the shards: --shard <name> for each");
      if (new Set(options.shard).size !== options.shard.length) throw new CliError("a shard is named twice");
      const placement = { merchantId: id, shard: placeMerchant(id, options.shard) };
      print(context, options.json, placement, () => `merchant ${id} belongs on shard ${placement.shard}\n`);
    });
  listOptions(merchants.command("list").description("list the merchants this credential may see"), "merchants").action(async (options: ListOptions, command: Command) => {
    const page = await withApi(context, command, (api) => api.call<Page<Merchant>>("GET", "/v1/merchants" + pageQuery(options), undefined, { limit: "--limit", after: "--after" }));
    print(context, options.json, page, () =>
      page.items.length === 0 ? "no merchants\n" : formatTable(["ID", "NAME"], page.items.map((m) => [m.id, m.name])) + moreHint(page, "--after"),
    );
  });

  const shops = program.command("shops").description("manage shops (the places where stamps are valid)");
  shops
    .command("add")
    .description("register a shop of your merchant (owner, manager)")
    .argument("<id>", 'shop id: 1-40 of a-z, 0-9 and "-"')
    .requiredOption("--merchant <id>", "the merchant that owns the shop")
    .requiredOption("--name <name>", "display name")
    .option("--json", "print the shop as JSON")
    .action(async (id: string, options: JsonOption & { merchant: string; name: string }, command: Command) => {
      const body = { id: id, merchantId: options.merchant, name: options.name };
      const names = { id: "<id>", merchantId: "--merchant", name: "--name" };
      const shop = await withApi(context, command, (api) => api.call<Shop>("POST", "/v1/shops", body, names));
      print(context, options.json, shop, () => `shop ${shop.id} added to merchant ${shop.merchantId}: ${shop.name}\n`);
    });
  shops
    .command("locate")
    .description("set where a shop is, for the travel rule: a stamp cannot be at two located shops faster than 300 km/h (owner, manager)")
    .argument("<id>", "shop id")
    .option("--lat <degrees>", "latitude, -90 to 90", parseDegrees("--lat"))
    .option("--lon <degrees>", "longitude, -180 to 180", parseDegrees("--lon"))
    .option("--clear", "remove the shop's location: the travel rule no longer applies there")
    .option("--json", "print the shop as JSON")
    .action(async (id: string, options: JsonOption & { lat?: number; lon?: number; clear?: boolean }, command: Command) => {
      const located = options.lat !== undefined && options.lon !== undefined;
      if (options.clear === true ? options.lat !== undefined || options.lon !== undefined : !located) throw new CliError("give --lat and --lon together, or --clear alone");
      const path = `/v1/shops/${encodeURIComponent(id)}/location`;
      const names = { id: "<id>", latitude: "--lat", longitude: "--lon" };
      const shop = await withApi(context, command, (api) =>
        located ? api.call<Shop>("PUT", path, { latitude: options.lat, longitude: options.lon }, names) : api.call<Shop>("DELETE", path, undefined, names),
      );
      const where = shop.location === undefined ? "no location (travel rule off there)" : `at ${shop.location.latitude}, ${shop.location.longitude}`;
      print(context, options.json, shop, () => `shop ${shop.id}: ${where}\n`);
    });
  listOptions(shops.command("list").description("list your merchant's shops"), "shops").action(async (options: ListOptions, command: Command) => {
    const page = await withApi(context, command, (api) => api.call<Page<Shop>>("GET", "/v1/shops" + pageQuery(options), undefined, { limit: "--limit", after: "--after" }));
    print(context, options.json, page, () =>
      page.items.length === 0 ? "no shops\n" : formatTable(["ID", "MERCHANT", "NAME"], page.items.map((s) => [s.id, s.merchantId, s.name])) + moreHint(page, "--after"),
    );
  });

  const verifiers = program.command("verifiers").description("manage verifiers (counter stations) and what a tap at each is worth");
  verifiers
    .command("add")
    .description("register a verifier at a shop; prints its id (owner, manager)")
    .requiredOption("--shop <id>", "the shop where the verifier stands")
    .requiredOption("--label <label>", "a name for people, e.g. 'front counter'")
    .option("--no-presence", "accept taps without the stamp's button pressed (pressing a Puck.js onto a reader presses it: keep the default)")
    .option("--purpose <purpose>", `what each tap here is for: ${PURPOSE_NAMES.join(", ")}`, parsePurpose, "stamp")
    .option("--quantity <n>", "how much each tap here is worth (1-100)", parseQuantity, 1)
    .option("--id <hex>", "use this id (16 hex digits) instead of a random one")
    .option("--json", "print the verifier as JSON")
    .action(async (options: JsonOption & { shop: string; label: string; presence: boolean; purpose: string; quantity: number; id?: string }, command: Command) => {
      const body = {
        shopId: options.shop,
        label: options.label,
        requirePresence: options.presence,
        purpose: options.purpose,
        quantity: options.quantity,
        ...(options.id === undefined ? {} : { id: options.id }),
      };
      const names = { shopId: "--shop", label: "--label", id: "--id", quantity: "--quantity" };
      const verifier = await withApi(context, command, (api) => api.call<VerifierView>("POST", "/v1/verifiers", body, names));
      const presence = verifier.requirePresence ? "" : " (no button needed)";
      print(context, options.json, verifier, () => `verifier ${verifier.id} added to shop ${verifier.shopId}: ${verifier.label}, ${verifier.purpose} x${verifier.quantity}${presence}\n`);
    });
  verifiers
    .command("set")
    .description("change what a tap at a verifier is worth, its label or its presence rule (owner, manager)")
    .argument("<id>", "verifier id: 16 hex digits")
    .option("--purpose <purpose>", `${PURPOSE_NAMES.join(", ")}`, parsePurpose)
    .option("--quantity <n>", "1-100", parseQuantity)
    .option("--label <label>", "a name for people")
    .option("--presence", "require the stamp's button")
    .option("--no-presence", "accept taps without the button")
    .option("--json", "print the verifier as JSON")
    .action(async (id: string, options: JsonOption & { purpose?: string; quantity?: number; label?: string; presence?: boolean }, command: Command) => {
      const body = { purpose: options.purpose, quantity: options.quantity, label: options.label, requirePresence: options.presence };
      const names = { quantity: "--quantity", label: "--label" };
      const verifier = await withApi(context, command, (api) => api.call<VerifierView>("PATCH", `/v1/verifiers/${encodeURIComponent(id)}`, body, names));
      print(context, options.json, verifier, () => `verifier ${verifier.id} (${verifier.label}): ${verifier.purpose} x${verifier.quantity}, presence ${verifier.requirePresence ? "required" : "not needed"}\n`);
    });
  listOptions(verifiers.command("list").description("list your merchant's verifiers"), "verifiers").action(async (options: ListOptions, command: Command) => {
    const page = await withApi(context, command, (api) => api.call<Page<VerifierView>>("GET", "/v1/verifiers" + pageQuery(options), undefined, { limit: "--limit", after: "--after" }));
    print(context, options.json, page, () => verifierTable(page));
  });
}
