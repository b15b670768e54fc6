/** Argument checks shared by the conv helpers (internal: not exported from the barrel). */

/** Checks that `value` is a positive integer (a size or a stride). */
export function checkPositiveInt(value: unknown, name: string, where: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
