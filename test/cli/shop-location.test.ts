/** `stamp shops locate`: the travel rule's shop location from the command line, in-process against a real database. */
import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stamp, tempDir } from "./cli-harness";
import { addShops, initWorld } from "./cli-world";

let dir = "";
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("stamp shops locate", { timeout: 30_000 }, () => {
  it("sets, shows and clears a shop's location, and refuses what is not one before asking the host", async () => {
    const world = await initWorld(dir);
    await addShops(world);
    expect(await world.ok("shops", "locate", "gangnam", "--lat", "37.4979", "--lon", "127.0276")).toBe("shop gangnam: at 37.4979, 127.0276\n");
    expect(JSON.parse(await world.ok("shops", "list", "--json")).items[0]).toEqual({ id: "gangnam", merchantId: "bean-bros", name: "Bean Bros Gangnam", location: { latitude: 37.4979, longitude: 127.0276 } });
    expect(await world.ok("shops", "locate", "gangnam", "--clear")).toBe("shop gangnam: no location (travel rule off there)\n");
    const base = ["--db", world.db, "--token-file", world.ownerTokenFile, "shops", "locate", "gangnam"];
    expect((await stamp([...base, "--lat", "north", "--lon", "127"])).err).toBe("error: --lat must be decimal degrees, e.g. 37.4979\n");
    expect((await stamp([...base, "--lat", "37.5"])).err).toBe("error: give --lat and --lon together, or --clear alone\n");
    expect((await stamp([...base, "--clear", "--lat", "37.5"])).err).toBe("error: give --lat and --lon together, or --clear alone\n");
    expect((await stamp([...base, "--lat", "91", "--lon", "0"])).err).toBe("error: --lat must be <= 90\n");
  });
});
