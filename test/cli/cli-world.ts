/**
 * A database made the way a person would, through the CLI: `stamp init`, the operator adds the
 * merchant and issues the owner's token, the owner adds shops and verifiers. Stations and stamps
 * are added through the core on the same file (the flashing station's own path is tested in
 * test/flashing), so taps can be judged as a counter station would.
 */
import { join } from "node:path";
import { authenticateToken } from "../../host/core/access/credentials";
import { Principal } from "../../host/core/access/principal";
import { ChallengeOrder, issueChallenge } from "../../host/core/challenge-service";
import { submitTap } from "../../host/core/tap-verifier";
import { SqliteStore } from "../../host/store/sqlite-store";
import { EnrolledStation, enrolTestStation, must, registerTestStamp, TEST_FIRMWARE_HASH, TestStamp } from "../support/test-world";
import { stamp } from "./cli-harness";

export const GANGNAM_VERIFIER = "1000000000000001";
export const HONGDAE_VERIFIER = "2000000000000002";

export interface CliWorld {
  dir: string;
  db: string;
  operatorTokenFile: string;
  ownerTokenFile: string;
  /** Runs a command as the owner (or with the given token file) and insists that it succeeds. */
  ok(...args: string[]): Promise<string>;
  as(tokenFile: string, ...args: string[]): Promise<string>;
}

export async function initWorld(dir: string): Promise<CliWorld> {
  const db = join(dir, "stamp.db");
  const operatorTokenFile = join(dir, "operator.token");
  const ownerTokenFile = join(dir, "owner.token");
  const run = async (tokenFile: string | undefined, args: string[]) => {
    const result = await stamp(["--db", db, ...(tokenFile === undefined ? [] : ["--token-file", tokenFile]), ...args]);
    if (result.code !== 0) throw new Error(`stamp ${args.join(" ")} failed (${result.code}): ${result.err}`);
    return result.out;
  };
  await run(undefined, ["init", "--token-out", operatorTokenFile, "--host-key-out", join(dir, "host.key")]);
  await run(operatorTokenFile, ["merchants", "add", "bean-bros", "Bean Bros"]);
  await run(operatorTokenFile, ["firmware", "approve", TEST_FIRMWARE_HASH, "--label", "test firmware"]);
  await run(operatorTokenFile, ["tokens", "add", "--role", "owner", "--merchant", "bean-bros", "--label", "owner", "--out", ownerTokenFile]);
  return {
    dir,
    db,
    operatorTokenFile,
    ownerTokenFile,
    ok: (...args) => run(ownerTokenFile, args),
    as: (tokenFile, ...args) => run(tokenFile, args),
  };
}

/** Two shops with a verifier each (the hongdae one without the button), as the owner. */
export async function addShops(world: CliWorld): Promise<void> {
  await world.ok("shops", "add", "gangnam", "--merchant", "bean-bros", "--name", "Bean Bros Gangnam");
  await world.ok("shops", "add", "hongdae", "--merchant", "bean-bros", "--name", "Bean Bros Hongdae");
  await world.ok("verifiers", "add", "--shop", "gangnam", "--label", "front counter", "--id", GANGNAM_VERIFIER);
  await world.ok("verifiers", "add", "--shop", "hongdae", "--label", "kiosk", "--no-presence", "--id", HONGDAE_VERIFIER);
}

/** The owner's principal, from the token file the CLI wrote. */
async function ownerPrincipal(store: SqliteStore, world: CliWorld): Promise<Principal> {
  const { readFileSync } = await import("node:fs");
  return must(await authenticateToken(store, readFileSync(world.ownerTokenFile, "utf8").trim(), Date.now()));
}

export interface CliStations {
  stamp: TestStamp;
  /** A counter station's tap with the stamp's chosen counter (and what the till says: a card code, a receipt); the verdict's reason. */
  tap(verifierId: string, counter: number, order?: ChallengeOrder): Promise<string>;
}

/** Enrols counter stations for both verifiers and a flashing station, registers one stamp at gangnam. */
export async function addStationsAndStamp(world: CliWorld): Promise<CliStations> {
  const store = new SqliteStore(world.db);
  const stations = new Map<string, EnrolledStation>();
  const key = new TestStamp();
  try {
    const owner = await ownerPrincipal(store, world);
    for (const verifierId of [GANGNAM_VERIFIER, HONGDAE_VERIFIER]) stations.set(verifierId, await enrolTestStation(store, owner, "counter-station", { verifierId }, Date.now()));
    const flasher = await enrolTestStation(store, owner, "flashing-station", { merchantId: "bean-bros" }, Date.now());
    await registerTestStamp(store, flasher.principal, key, { label: "gangnam-1", merchantId: "bean-bros", shopIds: ["gangnam"] }, Date.now());
  } finally {
    await store.close();
  }
  return {
    stamp: key,
    async tap(verifierId, counter, order) {
      const station = stations.get(verifierId);
      if (station === undefined) throw new Error("no station for " + verifierId);
      const db = new SqliteStore(world.db);
      try {
        const issued = must(await issueChallenge(db, station.principal, Date.now(), order));
        return (await submitTap(db, station.principal, key.answer(issued.bytes, { counter }), Date.now())).reason;
      } finally {
        await db.close();
      }
    },
  };
}
