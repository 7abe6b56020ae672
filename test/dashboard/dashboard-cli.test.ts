/**
 * `stamp dashboard invite|recover` on a local database: the link starts with the public URL and
 * opens the enrolment page; a manager cannot invite an owner; `recover` gives a new link.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stamp, tempDir } from "../cli/cli-harness";
import { CliWorld, initWorld } from "../cli/cli-world";

const PUBLIC_URL = "https://stamp.example";
const TEST_TIMEOUT = 60_000;

let dir: string;
let world: CliWorld;

beforeAll(async () => {
  dir = tempDir();
  world = await initWorld(dir);
}, TEST_TIMEOUT);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stamp dashboard", () => {
  it("invites a person with a one-time link, and makes a recovery link for them", async () => {
    const invited = JSON.parse(await world.ok("--public-url", PUBLIC_URL, "dashboard", "invite", "--merchant", "bean-bros", "--role", "manager", "--name", "Ji-woo", "--json")) as { personId: string; link: string };
    expect(invited.link).toMatch(/^https:\/\/stamp\.example\/dashboard\/enrol\/[A-Za-z0-9_-]{43}$/);
    const text = await world.ok("--public-url", PUBLIC_URL, "dashboard", "recover", invited.personId);
    expect(text).toMatch(/^https:\/\/stamp\.example\/dashboard\/enrol\/[A-Za-z0-9_-]{43}\n/);
    expect(text).not.toContain(invited.link);
    expect(await world.ok("tokens", "list"), "the person is a credential of their role").toMatch(/manager.*Ji-woo/);
  }, TEST_TIMEOUT);

  it("refuses an unknown role in words", async () => {
    const result = await stamp(["--db", world.db, "--token-file", world.ownerTokenFile, "--public-url", PUBLIC_URL, "dashboard", "invite", "--merchant", "bean-bros", "--role", "boss", "--name", "X"]);
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/--role/);
  }, TEST_TIMEOUT);
});
