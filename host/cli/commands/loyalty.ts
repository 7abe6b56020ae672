/** `stamp loyalty set|show`: what customers' phone cards count to. */
import { Command, InvalidArgumentError } from "commander";
import { LoyaltyProgram } from "../../core/phone/card-model";
import { CliContext, print, withApi } from "../context";

interface JsonOption {
  json?: boolean;
}

function wholeNumber(value: string): number {
  if (!/^\d{1,4}$/.test(value)) throw new InvalidArgumentError("must be a whole number.");
  return Number(value);
}

function programText(program: LoyaltyProgram): string {
  const expiry = program.rewardValidDays === null ? "rewards never expire" : `a reward stays usable ${program.rewardValidDays} days`;
  return `${program.merchantId}: a reward (${program.rewardLabel}) every ${program.stampsPerReward} stamps; a press on a customer's phone is worth ${program.stampsPerPress}; ${expiry}\n`;
}

export function addLoyaltyCommands(program: Command, context: CliContext): void {
  const loyalty = program.command("loyalty").description("your merchant's loyalty program: stamps per reward, stamps per press on a customer's phone, the reward");
  loyalty
    .command("set")
    .description("set the program (owner or manager); in the audit chain")
    .requiredOption("--merchant <id>", "the merchant")
    .requiredOption("--stamps-per-reward <n>", "stamps that make one reward", wholeNumber)
    .option("--stamps-per-press <n>", "stamps one press on a customer's phone is worth", wholeNumber, 1)
    .requiredOption("--reward <label>", "the reward, as cards show it, e.g. 'a free americano'")
    .option("--reward-valid-days <n>", "days a reward stays usable after it is earned (default: never expires)", wholeNumber)
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { merchant: string; stampsPerReward: number; stampsPerPress: number; reward: string; rewardValidDays?: number }, command: Command) => {
      const body = { stampsPerReward: options.stampsPerReward, stampsPerPress: options.stampsPerPress, rewardLabel: options.reward, rewardValidDays: options.rewardValidDays ?? null };
      const names = { id: "--merchant", stampsPerReward: "--stamps-per-reward", stampsPerPress: "--stamps-per-press", rewardLabel: "--reward", rewardValidDays: "--reward-valid-days" };
      const saved = await withApi(context, command, (api) => api.call<LoyaltyProgram>("PUT", `/v1/merchants/${encodeURIComponent(options.merchant)}/loyalty`, body, names));
      print(context, options.json, saved, () => programText(saved));
    });
  loyalty
    .command("show")
    .description("show the program (the default until one is set)")
    .requiredOption("--merchant <id>", "the merchant")
    .option("--json", "print JSON")
    .action(async (options: JsonOption & { merchant: string }, command: Command) => {
      const shown = await withApi(context, command, (api) => api.call<LoyaltyProgram>("GET", `/v1/merchants/${encodeURIComponent(options.merchant)}/loyalty`, undefined, { id: "--merchant" }));
      print(context, options.json, shown, () => programText(shown));
    });
}
