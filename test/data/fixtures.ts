/**
 * Builders for small IDX and CSV files used by the data tests (not a test file itself).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** IDX bytes: magic 0x0000 08 <ndims>, one big-endian int32 per dim, then `data`. */
export function idxBytes(dims: readonly number[], data: Uint8Array, type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** `n` bytes 0, 1, 2, … (mod 256): data whose every position is recognisable. */
export function ramp(n: number, mod = 256): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % mod);
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `tsdl-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How often each label 0..9 occurs. */
export function countLabels(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts;
}
