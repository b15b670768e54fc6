import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { decodeIdx, isGzip, md5Hex, parseIdx, readIdxFile, readIdxFileSync, verifyMd5 } from "../../src/data/idx";
import { idxBytes, ramp, tempDir } from "./fixtures";

test("decodeIdx reads an images header exactly: magic 2051, dims, row-major data", () => {
  const data = ramp(2 * 3 * 4);
  const idx = decodeIdx(idxBytes([2, 3, 4], data));
  assert.equal(idx.magic, 2051);
  assert.deepEqual(idx.dims, [2, 3, 4]);
  assert.deepEqual(Array.from(idx.data), Array.from(data));
});

test("decodeIdx reads a labels header: magic 2049, one dim", () => {
  const idx = decodeIdx(idxBytes([5], Uint8Array.of(7, 2, 1, 0, 4)), { ndims: 1 });
  assert.equal(idx.magic, 2049);
  assert.deepEqual(idx.dims, [5]);
  assert.deepEqual(Array.from(idx.data), [7, 2, 1, 0, 4]);
});

test("decodeIdx parses big-endian dimensions above 255", () => {
  const idx = decodeIdx(idxBytes([300, 2], ramp(600)));
  assert.deepEqual(idx.dims, [300, 2]);
  assert.equal(idx.data.length, 600);
});

test("parseIdx gives the same result for gzipped and raw bytes", () => {
  const raw = idxBytes([4, 5, 6], ramp(120));
  const gz = gzipSync(raw);
  assert.equal(isGzip(gz), true);
  assert.equal(isGzip(raw), false);
  const a = parseIdx(raw);
  const b = parseIdx(gz);
  assert.equal(b.magic, a.magic);
  assert.deepEqual(b.dims, a.dims);
  assert.deepEqual(Buffer.from(b.data), Buffer.from(a.data));
});

test("a truncated file is an error naming expected and found bytes", () => {
  const full = idxBytes([3, 2, 2], ramp(12));
  assert.throws(
    () => parseIdx(full.subarray(0, full.length - 5), { name: "short.idx" }),
    (err: Error) => {
      assert.match(err.message, /short\.idx/);
      assert.match(err.message, /truncated data/);
      assert.match(err.message, /need 12 data bytes, found 7/);
      return true;
    },
  );
  // Also when gzipped: the gzip stream is complete but holds too few bytes.
  assert.throws(() => parseIdx(gzipSync(full.subarray(0, full.length - 1))), /need 12 data bytes, found 11/);
});

test("a truncated header is an error", () => {
  const full = idxBytes([3, 2, 2], ramp(12));
  assert.throws(() => decodeIdx(full.subarray(0, 9)), /truncated IDX header — 3 dimension\(s\) need 16 header bytes, found 9/);
  assert.throws(() => decodeIdx(full.subarray(0, 2)), /truncated IDX header — expected at least 4 bytes, found 2/);
});

test("extra bytes after the data are an error too", () => {
  const bytes = Buffer.concat([idxBytes([2], Uint8Array.of(1, 2)), Buffer.from([9])]);
  assert.throws(() => decodeIdx(bytes), /extra bytes after the data — dimensions \[2\] need 2 data bytes, found 3/);
});

test("a corrupt magic number is an error naming it", () => {
  const bytes = idxBytes([2], Uint8Array.of(1, 2));
  bytes[0] = 0x12;
  assert.throws(() => decodeIdx(bytes, { name: "bad.idx" }), /bad\.idx: not an IDX file — bad magic number 0x12000801/);
  const float = idxBytes([2], Uint8Array.of(1, 2), 0x0d);
  assert.throws(() => decodeIdx(float), /unsupported IDX element type 0x0d \(float32\)/);
  const labelsAsImages = idxBytes([2], Uint8Array.of(1, 2));
  assert.throws(() => decodeIdx(labelsAsImages, { ndims: 3 }), /wrong magic number 0x00000801 \(2049\) — expected 0x00000803 \(2051\)/);
});

test("corrupt gzip data is an error naming the file", () => {
  const gz = gzipSync(idxBytes([2], Uint8Array.of(1, 2)));
  const broken = Buffer.from(gz.subarray(0, gz.length - 6));
  assert.throws(() => parseIdx(broken, { name: "cut.gz" }), /cut\.gz: corrupt gzip data/);
});

test("md5: correct checksum passes, wrong checksum names file, expected and actual", () => {
  const bytes = idxBytes([3], Uint8Array.of(1, 2, 3));
  const actual = createHash("md5").update(bytes).digest("hex");
  assert.equal(md5Hex(bytes), actual);
  verifyMd5(bytes, actual.toUpperCase(), "ok.idx"); // hex case does not matter
  const wrong = "0123456789abcdef0123456789abcdef";
  assert.throws(
    () => parseIdx(bytes, { name: "f.idx", md5: wrong }),
    (err: Error) => {
      assert.match(err.message, /f\.idx: wrong checksum/);
      assert.ok(err.message.includes(`expected md5 ${wrong}`), err.message);
      assert.ok(err.message.includes(`found ${actual}`), err.message);
      return true;
    },
  );
  assert.throws(() => verifyMd5(bytes, "xyz", "f.idx"), /Invalid expected md5 "xyz"/);
});

test("readIdxFile / readIdxFileSync read files, check md5 of the stored bytes, and name a missing file or a folder in its place", async () => {
  const { dir, cleanup } = tempDir("idx");
  try {
    const file = path.join(dir, "labels-idx1-ubyte.gz");
    const gz = gzipSync(idxBytes([4], Uint8Array.of(3, 1, 4, 1)));
    writeFileSync(file, gz);
    const md5 = md5Hex(gz);
    const a = await readIdxFile(file, { ndims: 1, md5 });
    const b = readIdxFileSync(file, { ndims: 1, md5 });
    assert.deepEqual(Array.from(a.data), [3, 1, 4, 1]);
    assert.deepEqual(Array.from(b.data), [3, 1, 4, 1]);
    const wrong = "f".repeat(32);
    await assert.rejects(readIdxFile(file, { md5: wrong }), new RegExp(`${file.replace(/[.]/g, "\\.")}: wrong checksum`));
    assert.throws(() => readIdxFileSync(file, { md5: wrong }), /wrong checksum/);
    const missing = path.join(dir, "nope.gz");
    await assert.rejects(readIdxFile(missing), (err: Error) => err.message === `IDX file not found: ${missing}`);
    assert.throws(
      () => readIdxFileSync(missing),
      (err: Error) => err.message === `IDX file not found: ${missing}`,
    );
    const folder = path.join(dir, "images-idx3-ubyte.gz");
    mkdirSync(folder);
    await assert.rejects(readIdxFile(folder), (err: Error) => err.message === `${folder} is a folder, not an IDX file`);
    assert.throws(
      () => readIdxFileSync(folder),
      (err: Error) => err.message === `${folder} is a folder, not an IDX file`,
    );
  } finally {
    cleanup();
  }
});

test("contentMd5 checks the decompressed bytes, whatever the compression", async () => {
  const raw = idxBytes([3, 2, 2], ramp(12));
  const contentMd5 = md5Hex(raw);
  for (const bytes of [raw, gzipSync(raw, { level: 1 }), gzipSync(raw, { level: 9 })]) {
    assert.deepEqual(Array.from(parseIdx(bytes, { contentMd5 }).data), Array.from(ramp(12)));
  }
  const other = md5Hex(idxBytes([3, 2, 2], ramp(12, 7)));
  assert.throws(
    () => parseIdx(gzipSync(raw), { contentMd5: other, name: "x.gz" }),
    new RegExp(`^Error: x\\.gz: wrong checksum — expected md5 of the decompressed contents ${other}, found ${contentMd5} \\(28 bytes\\)`),
  );
  const { dir, cleanup } = tempDir("idx-content-md5");
  try {
    const file = path.join(dir, "a.gz");
    writeFileSync(file, gzipSync(raw));
    assert.equal((await readIdxFile(file, { contentMd5 })).dims[0], 3);
    assert.equal(readIdxFileSync(file, { contentMd5 }).dims[0], 3);
    await assert.rejects(readIdxFile(file, { contentMd5: other }), /a\.gz: wrong checksum — expected md5 of the decompressed contents/);
    assert.throws(() => readIdxFileSync(file, { contentMd5: other }), /wrong checksum/);
  } finally {
    cleanup();
  }
});
