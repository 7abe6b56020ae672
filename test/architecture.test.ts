import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1]);
}

function violations(dir: string, forbidden: RegExp, exceptDir?: string): string[] {
  return sourceFiles(join(root, dir))
    .filter((file) => exceptDir === undefined || !file.startsWith(join(root, exceptDir)))
    .flatMap((file) => importsOf(file).filter((spec) => forbidden.test(spec)).map((spec) => `${relative(root, file)} imports ${spec}`));
}

describe("architecture: firmware and host meet only through shared protocol bytes", () => {
  it("shared/ imports nothing outside itself and no Node API", () => {
    expect(violations("shared", /^(node:|\.\.\/|[a-z@])/)).toEqual([]);
  });
  it("the code that runs on the stamp (firmware/*.ts, firmware/espruino/) imports no host/, sim/, npm package or Node API", () => {
    const onStamp = [...sourceFiles(join(root, "firmware")).filter((f) => dirname(f) === join(root, "firmware")), ...sourceFiles(join(root, "firmware", "espruino"))];
    const bad = onStamp.flatMap((file) => importsOf(file).filter((spec) => /(^|\/)(host|sim)\/|^node:|^[a-z@]/.test(spec)).map((spec) => `${relative(root, file)} imports ${spec}`));
    expect(onStamp.length).toBeGreaterThan(5);
    expect(bad).toEqual([]);
  });
  it("the firmware's Node-side build tooling (firmware/build, firmware/native) never imports host/ or sim/", () => {
    expect(violations("firmware", /(^|\/)(host|sim)\//)).toEqual([]);
  });
  it("host/ never imports firmware/ or sim/", () => {
    expect(violations("host", /(^|\/)(firmware|sim)\//)).toEqual([]);
  });
  it("the security rig (rig/) is wiring like sim/: no product code in host/, firmware/, shared/ or sim/ imports it", () => {
    expect(["host", "firmware", "shared", "sim"].flatMap((dir) => violations(dir, /(^|\/)rig\//))).toEqual([]);
  });
});
