// A separate host process sharing the SQLite file: waits for the agreed start time, submits
// its tap responses as the counter station whose credential id it is given, prints the verdict
// reasons as JSON. Used by the cross-process tests.
import { fromHex } from "../../shared/hex";
import { stationKey } from "../../host/core/access/credentials";
import { submitTap } from "../../host/core/tap-verifier";
import { SqliteStore } from "../../host/store/sqlite-store";

const [dbPath, stationKeyId, startAt, ...responses] = process.argv.slice(2);
const store = new SqliteStore(dbPath);
const station = await stationKey(store, stationKeyId, Date.now());
if (!station.ok) throw new Error(station.error);
const reasons: string[] = [];
while (Date.now() < Number(startAt)) {
  // busy-wait to the common start so the processes really race
}
for (const hex of responses) {
  const bytes = fromHex(hex);
  if (!bytes.ok) throw new Error(bytes.error);
  reasons.push((await submitTap(store, station.value.principal, bytes.value, Date.now())).reason);
}
await store.close();
console.log(JSON.stringify(reasons));
