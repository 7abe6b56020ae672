/** A query string from the given parameters, leaving out those not set ("" when none is). */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  const text = search.toString();
  return text === "" ? "" : "?" + text;
}

/** The query of one page of an id-ordered list. */
export function pageQuery(options: { limit?: string; after?: string }): string {
  return query({ limit: options.limit, after: options.after });
}
