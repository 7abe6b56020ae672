import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromHex } from "../../shared/hex";

/** Reads docs/protocol.md and extracts its checked parts: labelled hex values and marked tables. */

export const PROTOCOL_DOC_PATH = fileURLToPath(new URL("../../docs/protocol.md", import.meta.url));

export function readProtocolDoc(): string {
  return readFileSync(PROTOCOL_DOC_PATH, "utf8");
}

/** The text from a level-2 heading that starts with `title` up to the next level-2 heading. */
export function section(doc: string, title: string): string {
  const lines = doc.split("\n");
  const start = lines.findIndex((line) => line.startsWith("## ") && line.slice(3).includes(title));
  if (start < 0) throw new Error(`docs/protocol.md has no section "${title}"`);
  let end = start + 1;
  while (end < lines.length && !lines[end].startsWith("## ")) end++;
  return lines.slice(start + 1, end).join("\n");
}

/**
 * Every ```hex block in `text`: a line `name:` (optionally followed by hex) starts a value, further
 * lines continue it, `#` starts a comment, whitespace is ignored. A name may appear only once.
 */
export function hexValues(text: string): Map<string, Uint8Array> {
  const values = new Map<string, Uint8Array>();
  const blocks = [...text.matchAll(/```hex\n([\s\S]*?)```/g)].map((m) => m[1]);
  for (const block of blocks) {
    let label: string | undefined;
    let digits = "";
    const flush = () => {
      if (label === undefined) return;
      if (values.has(label)) throw new Error(`hex value "${label}" appears twice`);
      const bytes = fromHex(digits);
      if (!bytes.ok) throw new Error(`hex value "${label}": ${bytes.error}`);
      values.set(label, bytes.value);
    };
    for (const rawLine of block.split("\n")) {
      const line = rawLine.replace(/#.*$/, "").trim();
      if (line === "") continue;
      const labelled = /^([a-z][a-z0-9 ]*):(.*)$/.exec(line);
      if (labelled) {
        flush();
        label = labelled[1];
        digits = labelled[2].replace(/\s+/g, "");
      } else {
        if (label === undefined) throw new Error(`hex block line "${line}" comes before any label`);
        digits += line.replace(/\s+/g, "");
      }
    }
    flush();
  }
  return values;
}

/** The rows (cells trimmed, backticks removed) of the table after `<!-- checked: name -->`. */
export function checkedTable(doc: string, name: string): string[][] {
  const marker = `<!-- checked: ${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/protocol.md has no table marked "${name}"`);
  if (doc.indexOf(marker, at + 1) >= 0) throw new Error(`table "${name}" is marked twice`);
  const lines = doc.slice(at + marker.length).split("\n");
  let i = 0;
  while (i < lines.length && lines[i].trim() === "") i++;
  const rows: string[][] = [];
  for (; i < lines.length && lines[i].trim().startsWith("|"); i++) {
    const cells = lines[i]
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((cell) => cell.trim().replace(/`/g, ""));
    rows.push(cells);
  }
  if (rows.length < 3) throw new Error(`table "${name}" has no rows`);
  // rows[0] is the header, rows[1] the |---| separator.
  return rows.slice(2);
}

/** Every table name marked in the document. */
export function checkedTableNames(doc: string): string[] {
  return [...doc.matchAll(/<!-- checked: ([a-z0-9-]+) -->/g)].map((m) => m[1]);
}
