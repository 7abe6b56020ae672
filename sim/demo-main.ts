import { runDemo } from "./demo";

runDemo({ out: (line) => console.log(line) }).catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
