import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CSV_PIXEL_COLUMNS, csvPixelColumns, readDigitCsv, readImageCsv, writeImageCsv } from "../../src/data/csv";
import type { Dataset } from "../../src/data/dataset";
import { mnistDigits, readMnistSplitSync } from "../../src/data/mnist";
import { defaultMnistDir } from "../../src/data/paths";
import { tempDir } from "./fixtures";

const tmp = tempDir("csv");
let counter = 0;

before(async () => {
  await tf.setBackend("cpu");
});
after(() => tmp.cleanup());

/** Writes `text` to a new CSV file in the temp folder and returns its path. */
function csvFile(text: string): string {
  const file = path.join(tmp.dir, `digits-${counter++}.csv`);
  writeFileSync(file, text);
  return file;
}

const LABELED_HEADER = ["label", ...CSV_PIXEL_COLUMNS].join(",");
const UNLABELED_HEADER = CSV_PIXEL_COLUMNS.join(",");

/** A CSV row: label (optional), then 784 pixels all 0 except `set` (column index → value text). */
function row(label: string | null, set: Record<number, string> = {}): string {
  const pixels = Array.from({ length: 784 }, (_, i) => set[i] ?? "0");
  return (label === null ? pixels : [label, ...pixels]).join(",");
}

test("CSV round trip: real MNIST digits written as Kaggle CSV read back identical", () => {
  const n = 20;
  const raw = readMnistSplitSync(defaultMnistDir(), "test");
  const lines = [LABELED_HEADER];
  for (let i = 0; i < n; i++) {
    lines.push([raw.labels[i], ...raw.pixels.subarray(i * 784, (i + 1) * 784)].join(","));
  }
  const file = csvFile(lines.join("\n") + "\n");
  const before = tf.memory().numTensors;
  const ds: Dataset = readDigitCsv(file, { labels: true });
  const expected = mnistDigits("test", n);
  try {
    assert.equal(ds.size, n);
    assert.deepEqual(ds.xs.shape, [n, 28, 28, 1]);
    assert.deepEqual(ds.labels, expected.labels);
    assert.deepEqual(ds.xs.dataSync(), expected.xs.dataSync());
    const argmax = tf.tidy(() => Array.from(ds.ys.argMax(1).dataSync()));
    assert.deepEqual(argmax, Array.from(expected.labels));
  } finally {
    ds.dispose();
    expected.xs.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test("a Kaggle test.csv layout (no label column) reads as unlabelled images", () => {
  const file = csvFile([UNLABELED_HEADER, row(null, { 0: "255", 783: "51" }), row(null)].join("\n") + "\n");
  const d = readDigitCsv(file);
  try {
    assert.equal(d.labels, null);
    assert.equal(d.ys, null);
    assert.equal(d.size, 2);
    const v = d.xs.dataSync();
    assert.equal(v[0], 1);
    assert.equal(v[783], Math.fround(51 / 255)); // float32
    assert.equal(v[784], 0);
  } finally {
    d.dispose();
  }
  assert.throws(() => readDigitCsv(file, { labels: true }), /no "label" column, but labels were required/);
  const labelled = csvFile([LABELED_HEADER, row("3")].join("\n"));
  assert.throws(() => readDigitCsv(labelled, { labels: false }), /has a "label" column, but an unlabelled file was expected/);
});

test("wrong column count or names are errors naming the problem", () => {
  const short = csvFile("label,pixel0,pixel1\n1,2,3\n");
  assert.throws(
    () => readDigitCsv(short),
    /expected 785 columns \(label, pixel0\.\.pixel783 or pixel1\.\.pixel784\) or 784 .* found 3: label,pixel0,pixel1/,
  );
  const renamed = csvFile([LABELED_HEADER.replace("pixel5,", "pixl5,"), row("1")].join("\n"));
  assert.throws(() => readDigitCsv(renamed), /column 7 is named "pixl5", expected "pixel5"/);
  const firstNotLabel = csvFile([["digit", ...CSV_PIXEL_COLUMNS].join(","), row("1")].join("\n"));
  assert.throws(() => readDigitCsv(firstNotLabel), /column 1 is named "digit", expected "label"/);
});

test("values out of range are errors naming column, row and value", () => {
  const tooBright = csvFile([LABELED_HEADER, row("1"), row("2", { 10: "256" })].join("\n"));
  assert.throws(() => readDigitCsv(tooBright), /value 256 in column pixel10, data row 2 \(line 3\) is out of range 0\.\.255/);
  const negative = csvFile([LABELED_HEADER, row("1", { 0: "-1" })].join("\n"));
  assert.throws(() => readDigitCsv(negative), /value -1 in column pixel0, data row 1 .* out of range 0\.\.255/);
  const badLabel = csvFile([LABELED_HEADER, row("10")].join("\n"));
  assert.throws(() => readDigitCsv(badLabel), /value 10 in column label, data row 1 .* out of range 0\.\.9/);
  const huge = csvFile([LABELED_HEADER, row("1", { 3: "99999999999" })].join("\n"));
  assert.throws(() => readDigitCsv(huge), /value 99999999999 in column pixel3, data row 1 .* out of range 0\.\.255/);
});

test("non-numeric, non-integer and missing values are errors naming column and row", () => {
  const word = csvFile([LABELED_HEADER, row("1"), row("1"), row("1", { 42: "abc" })].join("\n"));
  assert.throws(() => readDigitCsv(word), /non-numeric value "abc" in column pixel42, data row 3 \(line 4\)/);
  const rows = [LABELED_HEADER];
  for (let i = 0; i < 300; i++) rows.push(row(String(i % 10)));
  rows.push(row("1", { 7: "x" })); // beyond polars' schema inference window
  assert.throws(() => readDigitCsv(csvFile(rows.join("\n"))), /non-numeric value "x" in column pixel7, data row 301/);
  const fraction = csvFile([LABELED_HEADER, row("1", { 1: "2.5" })].join("\n"));
  assert.throws(() => readDigitCsv(fraction), /non-integer value "2\.5" in column pixel1, data row 1/);
  const missing = csvFile([LABELED_HEADER, row("1", { 2: "" })].join("\n"));
  assert.throws(() => readDigitCsv(missing), /missing value in column pixel2, data row 1/);
  const missingLabel = csvFile([LABELED_HEADER, row("")].join("\n"));
  assert.throws(() => readDigitCsv(missingLabel), /missing value in column label, data row 1/);
});

test("ragged rows, empty files and missing files are errors", () => {
  const long = csvFile([LABELED_HEADER, row("1") + ",0"].join("\n"));
  assert.throws(() => readDigitCsv(long), /polars could not parse the CSV — found more fields than defined/);
  const short = csvFile([LABELED_HEADER, row("1").split(",").slice(0, 700).join(",")].join("\n"));
  assert.throws(() => readDigitCsv(short), /missing value in column pixel699, data row 1/);
  assert.throws(() => readDigitCsv(csvFile(LABELED_HEADER + "\n")), /the header is fine but there are no data rows/);
  assert.throws(() => readDigitCsv(csvFile("")), /cannot read the CSV header/);
  const nope = path.join(tmp.dir, "nope.csv");
  assert.throws(
    () => readDigitCsv(nope),
    (err: Error) => err.message === `CSV file not found: ${nope}`,
  );
  assert.throws(() => readDigitCsv(nope, { label: true } as never), /unknown option "label"/);
});

test("a missing column is named, the last one too; a folder in place of the file names its path", () => {
  const noLastColumn = [LABELED_HEADER.split(",").slice(0, -1).join(","), row("3").split(",").slice(0, -1).join(",")].join("\n");
  assert.throws(
    () => readDigitCsv(csvFile(noLastColumn)),
    /digits-\d+\.csv: column 785 \("pixel783"\) is missing: found 784 columns \(header must be label,pixel0\.\.pixel783\)/,
  );
  const noPixel5 = [LABELED_HEADER.replace(",pixel5,", ","), row("3").split(",").slice(0, -1).join(",")].join("\n");
  assert.throws(() => readDigitCsv(csvFile(noPixel5)), /column 7 \("pixel5"\) is missing/);
  const unlabelledNoLast = [CSV_PIXEL_COLUMNS.slice(0, -1).join(","), row(null).split(",").slice(0, -1).join(",")].join("\n");
  assert.throws(
    () => readDigitCsv(csvFile(unlabelledNoLast)),
    /column 784 \("pixel783"\) is missing: found 783 columns \(header must be pixel0\.\.pixel783\)/,
  );
  const fashionNoLast = [["label", ...csvPixelColumns(1).slice(0, -1)].join(","), row("3").split(",").slice(0, -1).join(",")].join("\n");
  assert.throws(() => readImageCsv(csvFile(fashionNoLast)), /column 785 \("pixel784"\) is missing/);

  const folder = path.join(tmp.dir, `folder-${counter++}.csv`);
  mkdirSync(folder);
  assert.throws(
    () => readDigitCsv(folder),
    (err: Error) => err.message === `${folder} is a folder, not a CSV file`,
  );
});

test("Kaggle's Fashion-MNIST layout, pixel1..pixel784, reads like pixel0..pixel783", () => {
  const header = ["label", ...csvPixelColumns(1)].join(",");
  assert.equal(csvPixelColumns(1)[0], "pixel1");
  assert.equal(csvPixelColumns(1).at(-1), "pixel784");
  const file = csvFile([header, row("9", { 0: "255", 783: "51" }), row("0")].join("\n") + "\n");
  const ds = readImageCsv(file, { labels: true });
  try {
    assert.deepEqual(Array.from(ds.labels), [9, 0]);
    const v = ds.xs.dataSync();
    assert.equal(v[0], 1); // pixel1 is the first pixel
    assert.equal(v[783], Math.fround(51 / 255)); // pixel784 the last
  } finally {
    ds.dispose();
  }
  const unlabelled = readDigitCsv(csvFile([csvPixelColumns(1).join(","), row(null)].join("\n")));
  assert.equal(unlabelled.size, 1);
  unlabelled.dispose();
  // Mixed numbering: pixel1 first, then a pixel0-style name further on.
  const mixed = csvFile([header.replace("pixel784", "pixel783x"), row("1")].join("\n"));
  assert.throws(
    () => readDigitCsv(mixed),
    /column 785 is named "pixel783x", expected "pixel784" \(header must be label,pixel1\.\.pixel784/,
  );
  const shifted = csvFile([["label", ...csvPixelColumns(1).slice(0, 783), "pixel0"].join(","), row("1")].join("\n"));
  assert.throws(() => readDigitCsv(shifted), /column 785 is named "pixel0", expected "pixel784"/);
});

test("writeImageCsv writes either layout and readImageCsv reads the same images back", () => {
  const before = tf.memory().numTensors;
  const expected = mnistDigits("test", 7);
  try {
    for (const firstPixel of [0, 1] as const) {
      const file = path.join(tmp.dir, `written-${firstPixel}.csv`);
      writeImageCsv(file, { xs: expected.xs, labels: expected.labels, size: 7 }, { firstPixel });
      const header = readFileSync(file, "utf8").split("\n")[0]!.split(",");
      assert.deepEqual(header.slice(0, 2), ["label", `pixel${firstPixel}`]);
      assert.equal(header.length, 785);
      const back = readImageCsv(file, { labels: true });
      assert.deepEqual(back.labels, expected.labels);
      assert.deepEqual(back.xs.dataSync(), expected.xs.dataSync());
      back.dispose();
    }
  } finally {
    expected.xs.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  const xs = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
  const file = path.join(tmp.dir, "bad.csv");
  assert.throws(
    () => writeImageCsv(file, { xs, labels: Int32Array.of(1, 2), size: 2 }),
    /expected 2 images of 784 pixels and 2 labels, got xs \[1,28,28,1\]/,
  );
  assert.throws(
    () => writeImageCsv(file, { xs, labels: Int32Array.of(1), size: 1 }, { firstPixel: 2 as 0 }),
    /firstPixel must be 0 or 1, got 2/,
  );
  const bright = tf.fill([1, 28, 28, 1], 2) as tf.Tensor4D;
  assert.throws(() => writeImageCsv(file, { xs: bright, labels: Int32Array.of(1), size: 1 }), /pixel 0 of image 0 is 2, outside \[0, 1\]/);
  assert.equal(existsSync(file), false, "nothing is left behind by a failed write");
  tf.dispose([xs, bright]);
});
