import { describe, expect, it } from "vitest";
import { inlineConstants } from "../../firmware/build/inline-constants";

/** Runs an IIFE bundle and returns what it left on `out`. */
function run(code: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  new Function("out", code)(out);
  return out;
}

const BUNDLE = `(function () {
  var SIZE = 4;
  var PAGES = 8;
  var BYTES = SIZE * PAGES;
  var TAG = "stamp-tap/v1";
  var TAG_LENGTH = TAG.length + 1;
  var NEGATIVE = -1;
  var State = { IDLE: 0, BUSY: 1 };
  var Passed = { A: 1 };
  var counter = 0;
  var list = ["a", "b"];
  function bump() { counter++; return counter; }
  function shadow(SIZE) { return SIZE + 1; }
  function take(o) { return o.A; }
  out.bytes = BYTES;
  out.tagLength = TAG_LENGTH;
  out.state = State.BUSY;
  out.negative = NEGATIVE;
  out.shadow = shadow(10);
  out.bump = bump();
  out.list = list[1];
  out.passed = take(Passed);
  out.short = { SIZE };
})();`;

describe("the firmware build's constant inlining", () => {
  it("inlines constants and read-only enum objects, keeps what is written, passed whole or shadowed, and behaves the same", () => {
    const { code, inlined } = inlineConstants(BUNDLE);
    expect(run(code)).toEqual(run(BUNDLE));
    for (const name of ["SIZE", "PAGES", "BYTES", "TAG", "TAG_LENGTH", "NEGATIVE", "State"]) expect(code).not.toMatch(new RegExp("var " + name + "\\b"));
    expect(inlined).toBe(7);
    expect(code).toContain("var Passed"); // used as a whole object
    expect(code).toContain("var counter"); // written
    expect(code).toContain("var list"); // not a constant
    expect(code).toContain("function shadow(SIZE) { return SIZE + 1; }"); // the parameter is not the constant
    expect(code).toContain("out.bytes = 32;");
    expect(code).toContain("out.state = 1;");
    expect(code).toContain("out.negative = (-1);");
  });
});
