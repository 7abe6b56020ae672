/** CSV text (RFC 4180): a header and rows, fields quoted when they hold a comma, a quote or a line break, lines ending CRLF. */
export function csvText(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const field = (value: string | number | null): string => {
    const text = value === null ? "" : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(field).join(",") + "\r\n").join("");
}
