/**
 * Names and labels typed by people and shown to other people (on a till screen, in a shop list, in
 * an alert). Invisible characters let a label look like another one: a right-to-left override turns
 * "Counter 1\u202E2 retnuoC" into something that reads differently from what is stored, a zero-width
 * space makes two identical-looking names distinct, and a control character can break a terminal
 * or a log line. So display text is refused when it holds any character of the Unicode categories
 * Cc (controls, C0 and C1), Cf (format: bidi overrides and isolates, zero-width characters, the
 * BOM...), Zl and Zp (line and paragraph separators) or Co (private use, which renders as nothing
 * agreed), and when it is not well-formed UTF-16 (a lone surrogate). Unassigned code points (Cn)
 * pass: a newer Unicode than the host's may have assigned them.
 *
 * One exception keeps emoji whole: the zero-width joiner between two pictographs (👩‍💻, 🏳️‍🌈) and the
 * tag characters of a subdivision flag (🏴 + tags + cancel tag) are part of one visible emoji.
 */

export type DisplayTextCheck = { ok: true; value: string } | { ok: false; message: string };

const ZERO_WIDTH_JOINER = 0x200d;
const WAVING_BLACK_FLAG = 0x1f3f4;
const CANCEL_TAG = 0xe007f;

/** Names for the characters most likely to be pasted in, so the message says more than a number. */
const CHARACTER_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000, "NULL"],
  [0x0009, "CHARACTER TABULATION"],
  [0x000a, "LINE FEED"],
  [0x000d, "CARRIAGE RETURN"],
  [0x001b, "ESCAPE"],
  [0x007f, "DELETE"],
  [0x0085, "NEXT LINE"],
  [0x009b, "CONTROL SEQUENCE INTRODUCER"],
  [0x00ad, "SOFT HYPHEN"],
  [0x061c, "ARABIC LETTER MARK"],
  [0x180e, "MONGOLIAN VOWEL SEPARATOR"],
  [0x200b, "ZERO WIDTH SPACE"],
  [0x200c, "ZERO WIDTH NON-JOINER"],
  [0x200d, "ZERO WIDTH JOINER"],
  [0x200e, "LEFT-TO-RIGHT MARK"],
  [0x200f, "RIGHT-TO-LEFT MARK"],
  [0x2028, "LINE SEPARATOR"],
  [0x2029, "PARAGRAPH SEPARATOR"],
  [0x202a, "LEFT-TO-RIGHT EMBEDDING"],
  [0x202b, "RIGHT-TO-LEFT EMBEDDING"],
  [0x202c, "POP DIRECTIONAL FORMATTING"],
  [0x202d, "LEFT-TO-RIGHT OVERRIDE"],
  [0x202e, "RIGHT-TO-LEFT OVERRIDE"],
  [0x2060, "WORD JOINER"],
  [0x2066, "LEFT-TO-RIGHT ISOLATE"],
  [0x2067, "RIGHT-TO-LEFT ISOLATE"],
  [0x2068, "FIRST STRONG ISOLATE"],
  [0x2069, "POP DIRECTIONAL ISOLATE"],
  [0xfeff, "ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)"],
]);

/** The refused categories, each with the words used in a message. */
const REFUSED_CATEGORIES: ReadonlyArray<{ pattern: RegExp; description: string }> = [
  { pattern: /^\p{Cc}$/u, description: "a control character" },
  { pattern: /^\p{Cf}$/u, description: "an invisible formatting character" },
  { pattern: /^\p{Zl}$/u, description: "a line separator" },
  { pattern: /^\p{Zp}$/u, description: "a paragraph separator" },
  { pattern: /^\p{Co}$/u, description: "a private-use character" },
];

const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
/** May stand between a pictograph and the joiner that follows it: a variation selector or a skin tone. */
const EMOJI_MODIFIER = /^[\u{FE0E}\u{FE0F}\u{1F3FB}-\u{1F3FF}]$/u;
const TAG = /^[\u{E0020}-\u{E007E}]$/u;

function isSurrogate(codePoint: number): boolean {
  return codePoint >= 0xd800 && codePoint <= 0xdfff;
}

/** "U+202E RIGHT-TO-LEFT OVERRIDE", or "U+E000" for a character without a name here. */
export function describeCodePoint(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = CHARACTER_NAMES.get(codePoint);
  return name === undefined ? hex : `${hex} ${name}`;
}

function codePointAt(characters: readonly string[], index: number): number | undefined {
  return index >= 0 && index < characters.length ? characters[index].codePointAt(0) : undefined;
}

/** A zero-width joiner inside an emoji ZWJ sequence: a pictograph (perhaps modified) before it, a pictograph after it. */
function joinsTwoPictographs(characters: readonly string[], index: number): boolean {
  let before = index - 1;
  while (before >= 0 && EMOJI_MODIFIER.test(characters[before])) before -= 1;
  return before >= 0 && PICTOGRAPH.test(characters[before]) && index + 1 < characters.length && PICTOGRAPH.test(characters[index + 1]);
}

/** A tag character or cancel tag inside a subdivision flag: 🏴, then tags only, then the cancel tag. */
function insideFlagTagSequence(characters: readonly string[], index: number): boolean {
  let start = index;
  while (start > 0 && TAG.test(characters[start - 1])) start -= 1;
  if (codePointAt(characters, start - 1) !== WAVING_BLACK_FLAG) return false;
  let end = index;
  while (end < characters.length && TAG.test(characters[end])) end += 1;
  return end > start && codePointAt(characters, end) === CANCEL_TAG;
}

function isPartOfEmoji(characters: readonly string[], index: number): boolean {
  const codePoint = codePointAt(characters, index);
  if (codePoint === ZERO_WIDTH_JOINER) return joinsTwoPictographs(characters, index);
  return TAG.test(characters[index]) || codePoint === CANCEL_TAG ? insideFlagTagSequence(characters, index) : false;
}

/** The first refused character, said in words, or undefined when every character may be shown. */
function findRefusedCharacter(what: string, characters: readonly string[]): string | undefined {
  for (let index = 0; index < characters.length; index += 1) {
    const character = characters[index];
    const codePoint = character.codePointAt(0) ?? 0;
    const position = `at character ${index + 1}`;
    if (isSurrogate(codePoint)) {
      return `${what} is not well-formed text: it contains a lone UTF-16 surrogate (${describeCodePoint(codePoint)}) ${position}`;
    }
    const refused = REFUSED_CATEGORIES.find((category) => category.pattern.test(character));
    if (refused !== undefined && !isPartOfEmoji(characters, index)) {
      return `${what} contains ${refused.description} (${describeCodePoint(codePoint)}) ${position}`;
    }
  }
  return undefined;
}

/**
 * Accepts text that may be shown to people as it is, and returns it in NFC so that "é" typed as one
 * character and as "e" + combining accent is stored once. maxLength counts code points after NFC
 * (what a person would call characters, give or take combining marks), not UTF-16 units.
 */
export function checkDisplayText(value: string, what: string, maxLength: number): DisplayTextCheck {
  // Spreading a string walks code points; a lone surrogate comes out as one element of its own.
  const refused = findRefusedCharacter(what, [...value]);
  if (refused !== undefined) return { ok: false, message: refused };
  if (value.length === 0) return { ok: false, message: `${what} is empty` };
  if (value.trim().length === 0) return { ok: false, message: `${what} is blank: it contains only spaces` };
  if (value.trim() !== value) return { ok: false, message: `${what} starts or ends with a space` };
  const normalized = value.normalize("NFC");
  const length = [...normalized].length;
  if (length > maxLength) return { ok: false, message: `${what} is ${length} characters long; at most ${maxLength} are allowed` };
  return { ok: true, value: normalized };
}
