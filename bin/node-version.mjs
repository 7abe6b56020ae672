// Which Node versions package.json's engines.node admits, without a semver library (this runs
// before anything else is loaded). It reads the forms engines uses: alternatives joined by
// "||", each "^X.Y.Z" or "X.x"; test/install/engines.test.ts keeps engines to those forms.

/** [major, minor, patch] of "v20.19.2" or "20.19.2". */
function parts(version) {
  return version.replace(/^v/, "").split(".").map(Number);
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Each alternative of the range as [lowest, below]: a version v is in it when lowest <= v < below. */
function alternatives(range) {
  return range.split("||").map((text) => {
    const alternative = text.trim();
    const caret = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(alternative);
    const major = caret === null ? /^(\d+)\.x$/.exec(alternative) : caret;
    if (major === null) throw new Error(`engines.node: unsupported form "${alternative}" (use ^X.Y.Z or X.x)`);
    const lowest = caret === null ? [Number(major[1]), 0, 0] : parts(caret.slice(1).join("."));
    return [lowest, [lowest[0] + 1, 0, 0]];
  });
}

/** Whether `version` is in `range`. */
export function nodeVersionAdmitted(version, range) {
  const v = parts(version);
  return alternatives(range).some(([lowest, below]) => compare(lowest, v) <= 0 && compare(v, below) < 0);
}

/** Whether `version` is older than every version in `range`. */
export function nodeVersionTooOld(version, range) {
  const v = parts(version);
  return alternatives(range).every(([lowest]) => compare(v, lowest) < 0);
}
