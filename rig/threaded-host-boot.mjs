// A worker thread's entry: registers tsx (a worker does not inherit the parent's --import), then
// runs the TypeScript module named in workerData.main. Rig code only; see threaded-host.ts.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.main);
