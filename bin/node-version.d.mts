/** Whether `version` ("v20.19.2" or "20.19.2") is in `range` (package.json's engines.node). */
export function nodeVersionAdmitted(version: string, range: string): boolean;
/** Whether `version` is older than every version in `range`. */
export function nodeVersionTooOld(version: string, range: string): boolean;
