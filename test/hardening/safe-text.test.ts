import { describe, expect, it } from "vitest";
import { checkDisplayText, describeCodePoint } from "../../host/core/text/safe-text";

function accepted(value: string, maxLength = 64): string {
  const result = checkDisplayText(value, "label", maxLength);
  if (!result.ok) throw new Error(`refused ${JSON.stringify(value)}: ${result.message}`);
  return result.value;
}

function refusal(value: string, maxLength = 64): string {
  const result = checkDisplayText(value, "label", maxLength);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.message;
}

describe("checkDisplayText accepts what people write", () => {
  it.each([
    ["Korean (precomposed Hangul)", "강남역 2번 출구 카페"],
    ["Korean (conjoining jamo, composed by NFC)", "\u1100\u1161\u11A8"],
    ["Korean (compatibility jamo)", "ㄱㄴㄷ ㅏㅑ"],
    ["Japanese (kanji, hiragana, katakana, long vowel mark)", "渋谷店・コーヒー スタンプ"],
    ["Japanese with an ideographic space inside", "東京\u3000駅前"],
    ["accented Latin", "Café Müller – Crème brûlée, Ørsted, Łódź"],
    ["Greek and Cyrillic", "Καφές / Кофейня"],
    ["Arabic and Hebrew (right-to-left letters, no controls)", "مقهى / בית קפה"],
    ["plain emoji", "Coffee ☕ 🍰"],
    ["emoji with skin tone", "👍🏽 thanks"],
    ["emoji keycap", "Table 1\uFE0F\u20E3"],
    ["regional-indicator flag", "🇰🇷 🇯🇵"],
    ["ZWJ emoji: technologist", "👩‍💻 desk"],
    ["ZWJ emoji: rainbow flag (variation selector before the joiner)", "🏳️‍🌈"],
    ["ZWJ emoji: skin tone before the joiner", "🧑🏽‍🍳 kitchen"],
    ["ZWJ emoji: family of four", "👨‍👩‍👧‍👦"],
    ["subdivision flag (tag sequence)", "🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F} pub"],
    ["interior spaces and punctuation", "Shop #12 (north), 2nd floor"],
    ["an unassigned code point (Cn passes)", "new \u{2FFFD} sign"],
  ])("%s", (_what, value) => {
    expect(accepted(value)).toBe(value.normalize("NFC"));
  });

  it("returns the NFC form: decomposed é becomes one character", () => {
    const decomposed = "Cafe\u0301";
    expect(accepted(decomposed)).toBe("Caf\u00E9");
    expect(accepted(decomposed)).toHaveLength(4);
  });

  it("composes conjoining Hangul jamo into syllables", () => {
    expect(accepted("\u1112\u1161\u11AB\u1100\u1173\u11AF")).toBe("한글");
  });
});

describe("checkDisplayText refuses invisible and reordering characters, naming them", () => {
  it.each([
    ["\u202E", "an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE)"],
    ["\u202A", "an invisible formatting character (U+202A LEFT-TO-RIGHT EMBEDDING)"],
    ["\u202B", "an invisible formatting character (U+202B RIGHT-TO-LEFT EMBEDDING)"],
    ["\u202C", "an invisible formatting character (U+202C POP DIRECTIONAL FORMATTING)"],
    ["\u202D", "an invisible formatting character (U+202D LEFT-TO-RIGHT OVERRIDE)"],
    ["\u2066", "an invisible formatting character (U+2066 LEFT-TO-RIGHT ISOLATE)"],
    ["\u2067", "an invisible formatting character (U+2067 RIGHT-TO-LEFT ISOLATE)"],
    ["\u2068", "an invisible formatting character (U+2068 FIRST STRONG ISOLATE)"],
    ["\u2069", "an invisible formatting character (U+2069 POP DIRECTIONAL ISOLATE)"],
    ["\u200E", "an invisible formatting character (U+200E LEFT-TO-RIGHT MARK)"],
    ["\u200F", "an invisible formatting character (U+200F RIGHT-TO-LEFT MARK)"],
    ["\u061C", "an invisible formatting character (U+061C ARABIC LETTER MARK)"],
    ["\u200B", "an invisible formatting character (U+200B ZERO WIDTH SPACE)"],
    ["\u200C", "an invisible formatting character (U+200C ZERO WIDTH NON-JOINER)"],
    ["\u2060", "an invisible formatting character (U+2060 WORD JOINER)"],
    ["\uFEFF", "an invisible formatting character (U+FEFF ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK))"],
    ["\u00AD", "an invisible formatting character (U+00AD SOFT HYPHEN)"],
    ["\u{E0041}", "an invisible formatting character (U+E0041)"],
    ["\u0000", "a control character (U+0000 NULL)"],
    ["\t", "a control character (U+0009 CHARACTER TABULATION)"],
    ["\n", "a control character (U+000A LINE FEED)"],
    ["\r", "a control character (U+000D CARRIAGE RETURN)"],
    ["\u001B", "a control character (U+001B ESCAPE)"],
    ["\u007F", "a control character (U+007F DELETE)"],
    ["\u0080", "a control character (U+0080)"],
    ["\u0085", "a control character (U+0085 NEXT LINE)"],
    ["\u009B", "a control character (U+009B CONTROL SEQUENCE INTRODUCER)"],
    ["\u009F", "a control character (U+009F)"],
    ["\u2028", "a line separator (U+2028 LINE SEPARATOR)"],
    ["\u2029", "a paragraph separator (U+2029 PARAGRAPH SEPARATOR)"],
    ["\uE000", "a private-use character (U+E000)"],
    ["\uF8FF", "a private-use character (U+F8FF)"],
    ["\u{F0000}", "a private-use character (U+F0000)"],
    ["\u{10FFFD}", "a private-use character (U+10FFFD)"],
  ])("inside a label: %j", (character, description) => {
    expect(refusal(`ab${character}cd`)).toBe(`label contains ${description} at character 3`);
  });

  it("names the first offending character and where it is, counted in code points", () => {
    expect(refusal("🍰🍰x\u202Ey\u200B")).toBe("label contains an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE) at character 4");
  });

  it("uses the caller's word for the field", () => {
    const result = checkDisplayText("Shop\u202E", "shop name", 64);
    expect(result).toEqual({ ok: false, message: "shop name contains an invisible formatting character (U+202E RIGHT-TO-LEFT OVERRIDE) at character 5" });
  });

  it("refuses the classic Trojan-source spoof that reads as something else", () => {
    expect(refusal("Counter 1\u202E2 retnuoC")).toMatch(/U\+202E RIGHT-TO-LEFT OVERRIDE/);
    expect(refusal("\u2067admin\u2069")).toMatch(/U\+2067 RIGHT-TO-LEFT ISOLATE\) at character 1/);
  });
});

describe("checkDisplayText keeps the joiner and tags to emoji", () => {
  it.each([
    ["a zero-width joiner between letters", "ab\u200Dcd", "U+200D ZERO WIDTH JOINER"],
    ["a zero-width joiner after an emoji but before a letter", "👩\u200Dx", "U+200D ZERO WIDTH JOINER"],
    ["a zero-width joiner before an emoji but after a letter", "x\u200D💻", "U+200D ZERO WIDTH JOINER"],
    ["a zero-width joiner at the end", "👩\u200D", "U+200D ZERO WIDTH JOINER"],
    ["tag characters without the black flag", "x\u{E0067}\u{E0062}\u{E007F}", "U+E0067"],
    ["tag characters without the cancel tag", "🏴\u{E0067}\u{E0062}", "U+E0067"],
    ["a cancel tag on its own", "🏴\u{E007F}", "U+E007F"],
  ])("%s is refused", (_what, value, named) => {
    expect(refusal(value)).toContain(named);
  });
});

describe("checkDisplayText refuses ill-formed UTF-16", () => {
  it.each([
    ["a lone high surrogate", "ab\uD83Dcd", "U+D83D"],
    ["a lone low surrogate", "ab\uDE00cd", "U+DE00"],
    ["a high surrogate at the end", "abc\uD83D", "U+D83D"],
    ["two surrogates in the wrong order", "ab\uDE00\uD83D", "U+DE00"],
  ])("%s", (_what, value, named) => {
    expect(refusal(value)).toMatch(new RegExp(`^label is not well-formed text: it contains a lone UTF-16 surrogate \\(${named.replace("+", "\\+")}\\) at character \\d$`));
  });

  it("accepts a well-formed pair of surrogates (an astral character)", () => {
    expect(accepted("ab\uD83D\uDE00cd")).toBe("ab😀cd");
  });
});

describe("checkDisplayText refuses blank text and surrounding whitespace", () => {
  it.each([
    ["", "label is empty"],
    [" ", "label is blank: it contains only spaces"],
    ["\u3000\u00A0 ", "label is blank: it contains only spaces"],
    [" Café", "label starts or ends with a space"],
    ["Café ", "label starts or ends with a space"],
    ["\u3000東京", "label starts or ends with a space"],
    ["Shop\u00A0", "label starts or ends with a space"],
  ])("%j", (value, message) => {
    expect(refusal(value)).toBe(message);
  });

  it("reports a leading newline as a control character, the more precise complaint", () => {
    expect(refusal("\nShop")).toBe("label contains a control character (U+000A LINE FEED) at character 1");
  });
});

describe("checkDisplayText counts maxLength in code points after NFC", () => {
  it("counts an astral emoji as one, not two UTF-16 units", () => {
    expect(accepted("😀".repeat(5), 5)).toBe("😀".repeat(5));
    expect(refusal("😀".repeat(6), 5)).toBe("label is 6 characters long; at most 5 are allowed");
  });

  it("counts decomposed text after composing it", () => {
    expect(accepted("e\u0301".repeat(4), 4)).toBe("\u00E9".repeat(4));
    expect(accepted("\u1112\u1161\u11AB", 1)).toBe("한");
  });

  it("accepts exactly maxLength and refuses one more", () => {
    expect(accepted("a".repeat(10), 10)).toHaveLength(10);
    expect(refusal("a".repeat(11), 10)).toBe("label is 11 characters long; at most 10 are allowed");
  });
});

describe("describeCodePoint", () => {
  it("pads to four hex digits and adds a name when one is known", () => {
    expect(describeCodePoint(0x9)).toBe("U+0009 CHARACTER TABULATION");
    expect(describeCodePoint(0xe000)).toBe("U+E000");
    expect(describeCodePoint(0x10fffd)).toBe("U+10FFFD");
  });
});
