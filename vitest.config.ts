import { defineConfig } from "vitest/config";

/**
 * Every test states its own timeout when it waits on a process or a device; the rest share
 * these, set for a loaded 2-core machine (in-process CLI and HTTP tests take a few hundred
 * milliseconds idle and several seconds under load — vitest's 5 s default is not enough there).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
