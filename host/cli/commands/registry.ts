import { Command } from "commander";
import { Merchant, Shop, Verifier } from "../../core/model";
import { CliContext, print, withApi } from "../context";
import { formatTable } from "../table";

interface JsonOption {
  json?: boolean;
}

export function addRegistryCommands(program: Command, context: CliContext): void {
  const merchants = program.command("merchants").description("manage merchants (the businesses that own shops and stamps)");
  merchants
    .command("add")
    .description("register a merchant")
    .argument("<id>", 'merchant id: 1-40 of a-z, 0-9 and "-"')
    .argument("<name>", "display name")
    .option("--json", "print the merchant as JSON")
    .action(async (id: string, name: string, options: JsonOption, command: Command) => {
      const names = { id: "<id>", name: "<name>" };
      const merchant = await withApi(context, command, (api) => api.call<Merchant>("POST", "/v1/merchants", { id: id, name: name }, names));
      print(context, options.json, merchant, () => `merchant ${merchant.id} added: ${merchant.name}\n`);
    });

  merchants
    .command("list")
    .description("list all merchants")
    .option("--json", "print JSON")
    .action(async (options: JsonOption, command: Command) => {
      const list = await withApi(context, command, (api) => api.call<Merchant[]>("GET", "/v1/merchants"), true);
      print(context, options.json, list, () =>
        list.length === 0 ? "no merchants\n" : formatTable(["ID", "NAME"], list.map((merchant) => [merchant.id, merchant.name])),
      );
    });

  const shops = program.command("shops").description("manage shops (the places where stamps are valid)");
  shops
    .command("add")
    .description("register a shop of a merchant")
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
    .command("list")
    .description("list all shops")
    .option("--json", "print JSON")
    .action(async (options: JsonOption, command: Command) => {
      const list = await withApi(context, command, (api) => api.call<Shop[]>("GET", "/v1/shops"), true);
      print(context, options.json, list, () =>
        list.length === 0 ? "no shops\n" : formatTable(["ID", "MERCHANT", "NAME"], list.map((shop) => [shop.id, shop.merchantId, shop.name])),
      );
    });

  const verifiers = program.command("verifiers").description("manage verifiers (counter stations that issue challenges and check taps)");
  verifiers
    .command("add")
    .description("register a verifier at a shop; prints its id")
    .requiredOption("--shop <id>", "the shop where the verifier stands")
    .requiredOption("--label <label>", "a name for people, e.g. 'front counter'")
    .option("--no-presence", "accept taps without the stamp's button pressed")
    .option("--id <hex>", "use this id (16 hex digits) instead of a random one")
    .option("--json", "print the verifier as JSON")
    .action(async (options: JsonOption & { shop: string; label: string; presence: boolean; id?: string }, command: Command) => {
      const body = {
        shopId: options.shop,
        label: options.label,
        requirePresence: options.presence,
        ...(options.id === undefined ? {} : { id: options.id }),
      };
      const names = { shopId: "--shop", label: "--label", id: "--id" };
      const verifier = await withApi(context, command, (api) => api.call<Verifier>("POST", "/v1/verifiers", body, names));
      const presence = verifier.requirePresence ? "" : " (no button needed)";
      print(context, options.json, verifier, () => `verifier ${verifier.id} added to shop ${verifier.shopId}: ${verifier.label}${presence}\n`);
    });
  verifiers
    .command("list")
    .description("list all verifiers")
    .option("--json", "print JSON")
    .action(async (options: JsonOption, command: Command) => {
      const list = await withApi(context, command, (api) => api.call<Verifier[]>("GET", "/v1/verifiers"), true);
      print(context, options.json, list, () =>
        list.length === 0
          ? "no verifiers\n"
          : formatTable(
              ["ID", "SHOP", "PRESENCE", "LABEL"],
              list.map((v) => [v.id, v.shopId, v.requirePresence ? "required" : "not needed", v.label]),
            ),
      );
    });
}
