/**
 * Argument checks shared by the public functions. Notebooks are type-checked by tslab, but
 * scripts and other JavaScript callers are not: the public door checks what it is given, once,
 * and names the function, the argument and what was expected. Internal helpers trust their
 * callers. Not exported from `tsdl`.
 */

/**
 * Checks that `options` is absent or a plain object whose keys are all in `allowed`; a typo
 * (`{ sede: 1 }`) would otherwise be ignored silently. Returns the options (`{}` when absent).
 */
export function checkOptions<T extends object>(options: T | undefined, allowed: readonly string[], where: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new Error(`${where}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new Error(`${where}: unknown option "${key}" (expected one of ${allowed.join(", ")})`);
  }
  return options;
}

/**
 * `value` when it is one of `names` (a model, an optimizer, an initialiser…), typed as such; else
 * throws `Unknown <what> "<value>": expected one of <names>` (after `<where>: ` when given).
 */
export function parseName<N extends string>(value: unknown, names: readonly N[], what: string, where?: string): N {
  if (typeof value === "string" && (names as readonly string[]).includes(value)) return value as N;
  const problem = `nknown ${what} ${describe(value)}: expected one of ${names.join(", ")}`;
  throw new Error(where === undefined ? `U${problem}` : `${where}: u${problem}`);
}

function isIntegerFrom(value: unknown, min: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min;
}

/** Checks that `value` is an integer ≥ `min` (a count: epochs, members); returns it. */
export function checkInteger(value: unknown, name: string, where: string, min = 1): number {
  if (!isIntegerFrom(value, min)) throw new Error(`${where}: ${name} must be an integer ≥ ${min}, got ${describe(value)}`);
  return value;
}

/** Checks that `value` is a positive integer (a size or a stride); returns it. */
export function checkPositiveInt(value: unknown, name: string, where: string): number {
  if (!isIntegerFrom(value, 1)) throw new Error(`${where}: ${name} must be a positive integer, got ${describe(value)}`);
  return value;
}

/** A value as an error message shows it: strings quoted, objects as JSON, the rest as text. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/** JSON with object keys sorted: two recipes (or a checkpoint's settings and a run's) ask for the same training when these texts are equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
