// Command-line flags of the benchmarks (`--name` or `--name=value`), read one way for all.

/**
 * Reads `argv` into `{ name: value | true }`; an unknown flag or argument throws with `usage`.
 * @param {string[]} argv
 * @param {Iterable<string>} known flag names without `--`
 * @param {string} usage
 * @returns {Record<string, string | boolean>}
 */
export function readFlags(argv, known, usage) {
  const names = new Set(known);
  /** @type {Record<string, string | boolean>} */
  const flags = {};
  for (const arg of argv) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument: ${arg}\n\n${usage}`);
    const name = /** @type {string} */ (m[1]);
    if (!names.has(name)) throw new Error(`unknown flag --${name}\n\n${usage}`);
    flags[name] = m[2] ?? true;
  }
  return flags;
}

/**
 * A whole number ≥ 0 given as `--name=N`, else `fallback`.
 * @param {Record<string, string | boolean>} flags
 * @param {string} name
 * @param {number} fallback
 */
export function wholeNumber(flags, name, fallback) {
  const v = flags[name];
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
}

/**
 * The scenarios listed in `--name=a,b` (all by default), each one of `all`.
 * @param {Record<string, string | boolean>} flags
 * @param {string} name
 * @param {string[]} all
 */
export function scenarioList(flags, name, all) {
  const only = String(flags[name] ?? all.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of only) if (!all.includes(s)) throw new Error(`--${name}: unknown scenario '${s}'`);
  return only;
}
