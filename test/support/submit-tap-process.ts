// A separate host process sharing the database (an SQLite file or a postgres:// URL): opens its
// own store, acts as the counter station whose credential id it is given, prints "ready", then
// for each line on stdin (a tap response in hex) prints that tap's verdict reason, one line
// each. Ends, closing its store, when stdin closes. Used by the cross-process tests, which wait
// for every process's "ready" before sending them the same line at once.
import { createInterface } from "node:readline";
import { fromHex } from "../../shared/hex";
import { stationKey } from "../../host/core/access/credentials";
import { submitTap } from "../../host/core/tap-verifier";
import { openStore } from "../../host/store/open-store";

const [location, stationKeyId] = process.argv.slice(2);
const store = await openStore(location);
const station = await stationKey(store, stationKeyId, Date.now());
if (!station.ok) throw new Error(station.error);
console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const bytes = fromHex(line.trim());
  if (!bytes.ok) throw new Error(bytes.error);
  console.log((await submitTap(store, station.value.principal, bytes.value, Date.now())).reason);
}
await store.close();
