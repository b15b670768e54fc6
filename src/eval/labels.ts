/**
 * Checks for class-label arrays, shared by the metrics: a label out of range or two arrays of
 * different lengths must fail loudly instead of producing a plausible-looking table.
 */

/** Throws unless every entry is an integer in [0, numClasses). */
export function checkLabels(values: ArrayLike<number>, numClasses: number, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${what}[${i}] = ${v} is not a class in 0…${numClasses - 1}`);
    }
  }
}

/**
 * Throws unless every entry is a class index (an integer ≥ 0), for metrics that are not told the
 * number of classes: NaN or 1.5 would otherwise count as a plain wrong answer.
 */
export function checkClassIndices(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what}[${i}] = ${v} is not a class index (an integer ≥ 0)`);
  }
}

/** Throws unless `numClasses` is a positive integer. */
export function checkNumClasses(numClasses: number): void {
  if (!(Number.isInteger(numClasses) && numClasses > 0)) {
    throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  }
}

/** Throws unless the two arrays have the same length. */
export function checkSameLength(a: ArrayLike<number>, aName: string, b: ArrayLike<number>, bName: string): void {
  if (a.length !== b.length) {
    throw new Error(`${aName} has ${a.length} entries but ${bName} has ${b.length}: they must match one to one`);
  }
}
