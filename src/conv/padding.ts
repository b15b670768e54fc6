/** The two padding modes of tfjs/TensorFlow convolutions and pooling, as a checked type. */
export type Padding = "same" | "valid";

/** The accepted {@link Padding} values, for messages and loops. */
export const PADDINGS: readonly Padding[] = ["same", "valid"];

/**
 * Checks a padding value at run time too: notebooks and plain-JS callers can pass any string,
 * and tfjs would otherwise fail deep inside a kernel with a less helpful message.
 */
export function parsePadding(padding: unknown, where: string): Padding {
  if (padding === "same" || padding === "valid") return padding;
  throw new Error(`${where}: unknown padding ${JSON.stringify(padding)}: expected "same" or "valid"`);
}
