import { describe, expect, it } from "vitest";
import { parseDictionary, serializeInnerList } from "../../host/auth/structured-fields";

describe("structured field dictionaries (RFC 8941 subset)", () => {
  it("parses items, inner lists, parameters and every supported bare item type", () => {
    const parsed = parseDictionary('a=1, b="x\\"y\\\\", c=tok/en:1, d=:AQID:, e=?0, f;p=2, g=("u" "v";q);r=-3, *h=*');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.map(([key]) => key)).toEqual(["a", "b", "c", "d", "e", "f", "g", "*h"]);
    const byKey = new Map(parsed.value);
    expect(byKey.get("a")).toEqual({ kind: "item", bare: { type: "integer", value: 1 }, params: [] });
    expect(byKey.get("b")).toEqual({ kind: "item", bare: { type: "string", value: 'x"y\\' }, params: [] });
    expect(byKey.get("c")).toEqual({ kind: "item", bare: { type: "token", value: "tok/en:1" }, params: [] });
    expect(byKey.get("d")).toEqual({ kind: "item", bare: { type: "bytes", value: new Uint8Array([1, 2, 3]) }, params: [] });
    expect(byKey.get("e")).toEqual({ kind: "item", bare: { type: "boolean", value: false }, params: [] });
    expect(byKey.get("f")).toEqual({ kind: "item", bare: { type: "boolean", value: true }, params: [["p", { type: "integer", value: 2 }]] });
    const list = byKey.get("g");
    expect(list?.kind).toBe("inner-list");
    if (list?.kind === "inner-list") expect(serializeInnerList(list)).toBe('("u" "v";q);r=-3');
  });

  it("refuses repeated keys and parameters, decimals, non-canonical base64 and broken syntax", () => {
    for (const text of ["a=1, a=2", "a=1;p;p", "a=1.5", "a=:AQJ=:", "a=:AQ:", "a=(1 2", 'a="x', 'a="\\n"', "A=1", "a=1,", "a=1 b=2", "a=\u00e9", "a=1234567890123456"]) {
      expect(parseDictionary(text).ok).toBe(false);
    }
  });

  it("treats an empty value as an empty dictionary", () => {
    expect(parseDictionary("  ")).toEqual({ ok: true, value: [] });
  });
});
