/** Colour on a terminal only, NO_COLOR respected, columns aligned either way. */
import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { colourWanted, paint } from "../../host/cli/colour";
import { CliContext } from "../../host/cli/program";
import { runCli } from "../../host/cli/run";
import { formatTable } from "../../host/cli/table";
import { tempDir } from "./cli-harness";
import { addShops, addStationsAndStamp, GANGNAM_VERIFIER, HONGDAE_VERIFIER, initWorld } from "./cli-world";

const ESC = "\u001b[";
const plain = (text: string) => text.replace(/\u001b\[\d+m/g, "");

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("when to colour", () => {
  it("only on a terminal, never with NO_COLOR set to anything, never on TERM=dumb", () => {
    expect(colourWanted(true, {})).toBe(true);
    expect(colourWanted(true, { TERM: "xterm-256color" })).toBe(true);
    expect(colourWanted(false, {})).toBe(false);
    expect(colourWanted(undefined, {})).toBe(false);
    expect(colourWanted(true, { NO_COLOR: "1" })).toBe(false);
    expect(colourWanted(true, { NO_COLOR: "0" })).toBe(false);
    expect(colourWanted(true, { NO_COLOR: "" })).toBe(true);
    expect(colourWanted(true, { TERM: "dumb" })).toBe(false);
  });

  it("paints nothing when off", () => {
    expect(paint(false, "red", "x")).toBe("x");
    expect(paint(true, "red", "x")).toBe(`${ESC}31mx${ESC}0m`);
    expect(paint(true, undefined, "x")).toBe("x");
  });

  it("keeps the columns aligned: a coloured table is the plain one once the colour is taken out", () => {
    const rows = [["a", "active", "1"], ["bbbb", "revoked", "22"]];
    const tone = (row: number, column: number) => (column === 1 ? (row === 0 ? "green" : "red") : undefined) as "green" | "red" | undefined;
    const coloured = formatTable(["ID", "STATUS", "N"], rows, tone, true);
    expect(coloured).toContain(`${ESC}32mactive${ESC}0m `);
    expect(plain(coloured)).toBe(formatTable(["ID", "STATUS", "N"], rows));
    expect(formatTable(["ID", "STATUS", "N"], rows, tone, false)).not.toContain(ESC);
  });
});

async function run(db: string, tokenFile: string, args: string[], colour: boolean | undefined): Promise<string> {
  let out = "";
  const context: CliContext = { io: { out: (text) => (out += text), err: (text) => (out += text), colour: colour }, env: {} };
  expect(await runCli(["--db", db, "--token-file", tokenFile, ...args], undefined, context)).toBe(0);
  return out;
}

describe("the CLI's tables", () => {
  it("colour a stamp's status and an alert's kind on a terminal, and print plain text otherwise and in JSON", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    const stations = await addStationsAndStamp(world);
    expect(await stations.tap(GANGNAM_VERIFIER, 1)).toBe("ACCEPTED");
    expect(await stations.tap(HONGDAE_VERIFIER, 2)).toBe("OUTSIDE_SHOP");
    const list = await run(world.db, world.ownerTokenFile, ["stamps", "list"], true);
    expect(list).toContain(`${ESC}32mactive${ESC}0m`);
    expect(plain(list)).toBe(await run(world.db, world.ownerTokenFile, ["stamps", "list"], false));
    const alerts = await run(world.db, world.ownerTokenFile, ["alerts"], true);
    expect(alerts).toContain(`${ESC}33mSTAMP_OUTSIDE_SHOP${ESC}0m`);
    expect(plain(alerts)).toBe(await run(world.db, world.ownerTokenFile, ["alerts"], undefined));
    expect(await run(world.db, world.ownerTokenFile, ["alerts", "--json"], true)).not.toContain(ESC);
    expect(await run(world.db, world.ownerTokenFile, ["events"], true)).not.toContain(ESC);
  }, 30_000);
});
