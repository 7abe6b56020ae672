import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
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
  it("firmware/ (the code that runs on the stamp; its build script aside) never imports host/, sim/, npm packages or Node APIs", () => {
    expect(violations("firmware", /(^|\/)(host|sim)\/|^node:|^[a-z@]/, "firmware/build")).toEqual([]);
  });
  it("host/ never imports firmware/ or sim/", () => {
    expect(violations("host", /(^|\/)(firmware|sim)\//)).toEqual([]);
  });
});
