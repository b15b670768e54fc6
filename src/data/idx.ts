/**
 * Reading IDX files — the simple binary format MNIST is distributed in.
 *
 * Layout (all integers big-endian):
 *
 *     bytes 0-1  0x00 0x00                 always zero
 *     byte  2    element type              0x08 = unsigned byte (the only type MNIST uses)
 *     byte  3    number of dimensions      3 for images [count, rows, cols], 1 for labels [count]
 *     then       one int32 per dimension
 *     then       product(dims) elements, row-major
 *
 * So the images magic number reads as 0x00000803 = 2051 and the labels one as 0x00000801 = 2049.
 * Files are usually gzipped (`.gz`); the reader recognises gzip by its magic bytes 1f 8b rather
 * than by the file name, so a renamed or already-unpacked file still reads.
 *
 * Every check here fails loudly with the file name and what was expected vs found: a truncated
 * download must never turn into a silently shorter data set.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip as gunzipCallback, gunzipSync } from "node:zlib";

const gunzipAsync = promisify(gunzipCallback);

/** The IDX element type byte for unsigned bytes — the only element type this reader accepts. */
export const IDX_UBYTE = 0x08;

/** Names of the other IDX element types, so an unsupported file gets a useful message. */
// biome-ignore-start lint/complexity/useSimpleNumberKeys: the type codes in hex, as the IDX format writes them
const IDX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
};
// biome-ignore-end lint/complexity/useSimpleNumberKeys: the type codes in hex, as the IDX format writes them

/** A decoded IDX file of unsigned bytes. */
export interface IdxArray {
  /** The magic number as a big-endian int32, e.g. 2051 for MNIST images, 2049 for labels. */
  readonly magic: number;
  /** The dimensions from the header, e.g. [60000, 28, 28]. */
  readonly dims: readonly number[];
  /** The elements, row-major; `data.length` is the product of `dims`. */
  readonly data: Uint8Array;
}

/** What the caller expects of an IDX file; every field is checked when given. */
export interface IdxExpectations {
  /** Name used in error messages (a file path or a short label). Default "IDX data". */
  readonly name?: string;
  /** Required number of dimensions (3 for MNIST images, 1 for labels). */
  readonly ndims?: number;
  /** Expected md5 (hex, any case) of the bytes exactly as stored (the .gz bytes for a .gz file). */
  readonly md5?: string;
  /**
   * Expected md5 of the decompressed IDX bytes. The data set is the contents, not its gzip
   * encoding: a copy re-compressed by someone else (Debian ships Fashion-MNIST that way) or
   * stored unpacked still passes.
   */
  readonly contentMd5?: string;
}

/** True when `bytes` start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The md5 of `bytes` as lowercase hex. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/**
 * Throws "wrong checksum" (naming the file, expected and actual md5) unless `bytes` hash to
 * `expected`. A mismatch means a corrupt or different file: better stop than train on it.
 */
export function verifyMd5(bytes: Uint8Array, expected: string, name: string, what = "md5"): void {
  if (!/^[0-9a-fA-F]{32}$/.test(expected)) {
    throw new Error(`Invalid expected md5 "${expected}" for ${name}: expected 32 hex digits`);
  }
  const actual = md5Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new Error(
      `${name}: wrong checksum — expected ${what} ${expected.toLowerCase()}, found ${actual} ` +
        `(${bytes.length} bytes). The file is corrupt or not the expected one; copy it again.`,
    );
  }
}

function gunzipOrThrow(bytes: Uint8Array, name: string): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new Error(`${name}: corrupt gzip data (${(err as Error).message})`);
  }
}

/**
 * Decodes IDX bytes that are already decompressed. Checks the magic, the header length and that
 * the data length equals the product of the dimensions (too short *and* too long are errors).
 *
 * The returned `data` is a view into `bytes` (no copy): 47 MB of MNIST images need not exist twice.
 */
export function decodeIdx(bytes: Uint8Array, expect: IdxExpectations = {}): IdxArray {
  const name = expect.name ?? "IDX data";
  if (bytes.length < 4) {
    throw new Error(`${name}: truncated IDX header — expected at least 4 bytes, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getInt32(0, false);
  const hex = (magic >>> 0).toString(16).padStart(8, "0");
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${name}: not an IDX file — bad magic number 0x${hex} (the first two bytes must be 00 00; ` +
        `MNIST images are 0x00000803, labels 0x00000801)`,
    );
  }
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  if (type !== IDX_UBYTE) {
    const typeName = IDX_TYPE_NAMES[type] ?? "unknown type";
    throw new Error(
      `${name}: unsupported IDX element type 0x${type.toString(16).padStart(2, "0")} (${typeName}) in magic ` +
        `0x${hex}; only unsigned bytes (0x08) are supported`,
    );
  }
  if (ndims === 0) throw new Error(`${name}: bad magic number 0x${hex} — zero dimensions`);
  if (expect.ndims !== undefined && ndims !== expect.ndims) {
    const wanted = (0x800 + expect.ndims).toString(16).padStart(8, "0");
    throw new Error(
      `${name}: wrong magic number 0x${hex} (${magic}) — expected 0x${wanted} (${0x800 + expect.ndims}), ` +
        `an IDX file with ${expect.ndims} dimension(s), found ${ndims}`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated IDX header — ${ndims} dimension(s) need ${headerBytes} header bytes, found ${bytes.length}`);
  }
  const dims: number[] = [];
  let expectedLength = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getInt32(4 + 4 * i, false);
    if (d < 0) throw new Error(`${name}: negative dimension ${d} at position ${i} of the header`);
    dims.push(d);
    expectedLength *= d;
  }
  const found = bytes.length - headerBytes;
  if (found !== expectedLength) {
    const what = found < expectedLength ? "truncated data" : "extra bytes after the data";
    throw new Error(`${name}: ${what} — dimensions [${dims.join(", ")}] need ${expectedLength} data bytes, found ${found}`);
  }
  return { magic, dims, data: bytes.subarray(headerBytes) };
}

/**
 * Parses an IDX file held in memory: verifies the md5 (of the bytes as given) when asked,
 * gunzips when the bytes start with the gzip magic 1f 8b, then {@link decodeIdx}.
 */
export function parseIdx(bytes: Uint8Array, expect: IdxExpectations = {}): IdxArray {
  const name = expect.name ?? "IDX data";
  if (expect.md5 !== undefined) verifyMd5(bytes, expect.md5, name);
  return decodeChecked(isGzip(bytes) ? gunzipOrThrow(bytes, name) : bytes, expect, name);
}

/** {@link decodeIdx} after checking `contentMd5` (when given) on the decompressed bytes. */
function decodeChecked(raw: Uint8Array, expect: IdxExpectations, name: string): IdxArray {
  if (expect.contentMd5 !== undefined) verifyMd5(raw, expect.contentMd5, name, "md5 of the decompressed contents");
  return decodeIdx(raw, expect);
}

/** Why `path` could not be read, naming it (Node's EISDIR, for one, does not). */
function readError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new Error(`IDX file not found: ${path}`);
  if (code === "EISDIR") return new Error(`${path} is a folder, not an IDX file`);
  return new Error(`cannot read IDX file ${path}: ${(err as Error).message}`);
}

/** Reads and parses an IDX file (gzipped or raw) synchronously; errors name the path. */
export function readIdxFileSync(path: string, expect: Omit<IdxExpectations, "name"> = {}): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw readError(path, err);
  }
  return parseIdx(bytes, { ...expect, name: path });
}

/**
 * Reads and parses an IDX file (gzipped or raw). Reading and gunzipping run off the main
 * thread, so a notebook kernel stays responsive while 10 MB of images unpack.
 */
export async function readIdxFile(path: string, expect: Omit<IdxExpectations, "name"> = {}): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw readError(path, err);
  }
  const named = { ...expect, name: path };
  if (named.md5 !== undefined) verifyMd5(bytes, named.md5, path);
  if (!isGzip(bytes)) return decodeChecked(bytes, named, path);
  let raw: Uint8Array;
  try {
    raw = await gunzipAsync(bytes);
  } catch (err) {
    throw new Error(`${path}: corrupt gzip data (${(err as Error).message})`);
  }
  return decodeChecked(raw, named, path);
}
