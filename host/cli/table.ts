import { paint, Tone } from "./colour";

/** The tone of one cell of a row (colour on a terminal only); undefined for none. */
export type CellTone = (row: number, column: number) => Tone | undefined;

/**
 * A plain-text table: a header row, a dashed rule, left-aligned columns two spaces apart. With
 * `colour`, cells are painted after padding, so the columns line up either way.
 */
export function formatTable(headers: string[], rows: string[][], tone?: CellTone, colour = false): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: string[], row?: number) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column]);
        if (row === undefined || tone === undefined || !colour) return padded;
        return paint(true, tone(row, column), cell) + padded.slice(cell.length);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((width) => "-".repeat(width))), ...rows.map((cells, row) => line(cells, row))].join("\n") + "\n";
}

/** An ISO time as "2025-05-01 09:30:12Z": the same instant, easier to read in a column. */
export function shortTime(iso: string): string {
  return iso.replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}
