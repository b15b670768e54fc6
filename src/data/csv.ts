/**
 * Reading and writing images as CSV in the layouts of Kaggle's data sets, one image per row,
 * pixels row-major, values 0-255:
 *
 *     label,pixel0,pixel1,…,pixel783     Kaggle "Digit Recognizer" (MNIST) train.csv
 *     pixel0,pixel1,…,pixel783           its test.csv: no labels
 *     label,pixel1,pixel2,…,pixel784     Kaggle's Fashion-MNIST files (numbered from 1)
 *
 * Both numberings are accepted, with or without the label column. Parsing is done by
 * nodejs-polars (`pl.readCSV`, native and multi-threaded); this module checks what polars would
 * let through silently — polars turns an unparseable or missing cell into null — and reports the
 * exact column, row and value instead.
 */
import type * as tf from "@tensorflow/tfjs";
import { closeSync, openSync, readSync, renameSync, statSync } from "node:fs";
import pl from "nodejs-polars";
import { datasetFromBytes, imagesFromBytes, NUM_CLASSES, PIXELS_PER_IMAGE, type Dataset } from "./dataset";

/** The number of the first pixel column: 0 in Kaggle's digit files, 1 in its Fashion-MNIST files. */
export type CsvFirstPixel = 0 | 1;

/** The 784 pixel column names, `pixel<first>`…: pixel0..pixel783 (default) or pixel1..pixel784. */
export function csvPixelColumns(first: CsvFirstPixel = 0): readonly string[] {
  return Array.from({ length: PIXELS_PER_IMAGE }, (_, i) => `pixel${i + first}`);
}

/** The 784 pixel column names of Kaggle's digit files, pixel0..pixel783. */
export const CSV_PIXEL_COLUMNS: readonly string[] = csvPixelColumns(0);
/** Name of the label column (first column when present). */
export const CSV_LABEL_COLUMN = "label";

/** Images read from a CSV without a label column (Kaggle test.csv). `labels`/`ys` are null. */
export interface UnlabeledDigits {
  /** Images, shape [size, 28, 28, 1], float32 in [0, 1]. */
  readonly xs: tf.Tensor4D;
  readonly ys: null;
  readonly labels: null;
  readonly size: number;
  /** Frees `xs`; calling it again does nothing. */
  dispose(): void;
}

/** Options of {@link readDigitCsv}. */
export interface ReadDigitCsvOptions {
  /** true: the file must have a label column; false: it must not; omitted: either. */
  readonly labels?: boolean;
}

function layoutError(file: string, found: readonly string[]): Error {
  return new Error(
    `${file}: expected 785 columns (label, pixel0..pixel783 or pixel1..pixel784) or 784 (the pixels, no labels), ` +
      `found ${found.length}: ${found.slice(0, 4).join(",")}${found.length > 4 ? ",…" : ""}`,
  );
}

const MAX_HEADER_BYTES = 1 << 20;

/**
 * The first line of the file. Read by hand because polars, even with nRows: 0, scans the whole
 * file (1.4 s for a 77 MB Kaggle train.csv) before it returns the header.
 */
function firstLine(file: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const read = readSync(fd, chunk, 0, chunk.length, total);
      const end = chunk.subarray(0, read).indexOf(0x0a);
      if (end >= 0) {
        chunks.push(chunk.subarray(0, end + 1));
        return Buffer.concat(chunks);
      }
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (read === 0) return Buffer.concat(chunks);
      if (total > MAX_HEADER_BYTES) throw new Error(`${file}: no line break in the first ${MAX_HEADER_BYTES} bytes`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Reads only the header row and checks the column names; returns the column names. */
function checkHeader(file: string, want: boolean | undefined): string[] {
  let columns: string[];
  try {
    columns = pl.readCSV(firstLine(file), { nRows: 0 }).columns;
  } catch (err) {
    throw new Error(`${file}: cannot read the CSV header (${(err as Error).message.split("\n")[0]})`);
  }
  // A first column named "label" means labels even when a column is missing: 784 columns
  // starting with "label" are a labelled file one pixel short, not an unlabelled file.
  const hasLabel = columns[0] === CSV_LABEL_COLUMN || columns.length === PIXELS_PER_IMAGE + 1;
  // The first pixel column's name decides the numbering; every other column must then follow it.
  const first: CsvFirstPixel = columns[hasLabel ? 1 : 0] === "pixel1" ? 1 : 0;
  const pixels = csvPixelColumns(first);
  const expected = hasLabel ? [CSV_LABEL_COLUMN, ...pixels] : pixels;
  const header = `header must be ${hasLabel ? "label," : ""}${pixels[0]}..${pixels.at(-1)}`;
  const gap = expected.findIndex((c, i) => columns[i] !== c);
  if (columns.length === expected.length - 1 && columns.slice(gap).every((c, i) => c === expected[gap + 1 + i])) {
    throw new Error(`${file}: column ${gap + 1} ("${expected[gap]}") is missing: found ${columns.length} columns (${header})`);
  }
  if (columns.length !== PIXELS_PER_IMAGE && columns.length !== PIXELS_PER_IMAGE + 1) {
    throw layoutError(file, columns);
  }
  const bad = columns.findIndex((c, i) => c !== expected[i]);
  if (bad >= 0) {
    throw new Error(
      `${file}: column ${bad + 1} is named "${columns[bad]}", expected "${expected[bad]}" ` +
        `(${header}; pixels numbered from 0 or from 1)`,
    );
  }
  if (want === true && !hasLabel) throw new Error(`${file}: no "label" column, but labels were required`);
  if (want === false && hasLabel) throw new Error(`${file}: has a "label" column, but an unlabelled file was expected`);
  return columns;
}

/**
 * Explains why a column read as int32 has nulls: re-reads just that column as text and names
 * the first bad cell (missing, non-numeric, not an integer, or too big for int32).
 */
function badCellError(file: string, column: string, range: string): Error {
  const text = pl
    .readCSV(file, { columns: [column], inferSchemaLength: 0 })
    .getColumn(column)
    .toArray() as (string | null)[];
  for (let row = 0; row < text.length; row++) {
    const cell = text[row];
    const where = `column ${column}, data row ${row + 1} (line ${row + 2})`;
    if (cell === null || cell === undefined || cell.trim() === "") {
      return new Error(`${file}: missing value in ${where}`);
    }
    if (/^[+-]?\d+$/.test(cell) && Number(cell) > 2147483647) {
      return new Error(`${file}: value ${cell} in ${where} is out of range ${range}`);
    }
    if (!/^[+-]?\d+$/.test(cell)) {
      const numeric = cell.trim() !== "" && Number.isFinite(Number(cell));
      return new Error(`${file}: ${numeric ? "non-integer" : "non-numeric"} value "${cell}" in ${where}`);
    }
  }
  return new Error(`${file}: column ${column} has a value polars could not read as an integer`);
}

/**
 * Reads an images CSV (either Kaggle layout, see the top of this file) into tensors: a {@link Dataset} when the
 * file has a label column, {@link UnlabeledDigits} when it has not. Every cell must be an integer
 * (pixels 0..255, labels 0..9); any other cell, a wrong header or a ragged row is an error that
 * names the column and row. Dispose the result when done.
 */
export function readDigitCsv(file: string, options: ReadDigitCsvOptions & { readonly labels: true }): Dataset;
export function readDigitCsv(file: string, options: ReadDigitCsvOptions & { readonly labels: false }): UnlabeledDigits;
export function readDigitCsv(file: string, options?: ReadDigitCsvOptions): Dataset | UnlabeledDigits;
export function readDigitCsv(file: string, options: ReadDigitCsvOptions = {}): Dataset | UnlabeledDigits {
  for (const key of Object.keys(options)) {
    if (key !== "labels") throw new Error(`readDigitCsv: unknown option "${key}" (expected labels)`);
  }
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat === undefined) throw new Error(`CSV file not found: ${file}`);
  // Reading a folder fails with a bare EISDIR that names no path.
  if (stat.isDirectory()) throw new Error(`${file} is a folder, not a CSV file`);
  const names = checkHeader(file, options.labels);
  const hasLabel = names[0] === CSV_LABEL_COLUMN;
  const dtypes = Object.fromEntries(names.map((n) => [n, pl.Int32]));
  let df: pl.DataFrame;
  try {
    // truncateRaggedLines: false makes a row with too many fields an error instead of silently cut.
    df = pl.readCSV(file, { dtypes, truncateRaggedLines: false });
  } catch (err) {
    throw new Error(`${file}: polars could not parse the CSV — ${(err as Error).message.split("\n")[0]}`);
  }
  const n = df.height;
  if (n === 0) throw new Error(`${file}: the header is fine but there are no data rows`);
  const pixels = new Uint8Array(n * PIXELS_PER_IMAGE);
  const labels = hasLabel ? new Int32Array(n) : null;
  // getColumns() in one call: ~25% faster than 785 getColumn(name) calls; order checked above.
  const columns = df.getColumns();
  for (let c = 0; c < names.length; c++) {
    const name = names[c]!;
    const isLabel = hasLabel && c === 0;
    const max = isLabel ? NUM_CLASSES - 1 : 255;
    const series = columns[c]!;
    if (series.name !== name) {
      throw new Error(`${file}: polars returned column "${series.name}" where "${name}" was expected`);
    }
    if (series.nullCount() > 0) throw badCellError(file, name, `0..${max}`);
    const values = series.toTypedArray() as Int32Array;
    const p = hasLabel ? c - 1 : c;
    for (let row = 0; row < n; row++) {
      const v = values[row]!;
      if (v < 0 || v > max) {
        throw new Error(`${file}: value ${v} in column ${name}, data row ${row + 1} (line ${row + 2}) is out of range 0..${max}`);
      }
      if (isLabel) labels![row] = v;
      else pixels[row * PIXELS_PER_IMAGE + p] = v;
    }
  }
  if (labels) return datasetFromBytes(pixels, labels, undefined, file);
  const xs = imagesFromBytes(pixels, undefined, file);
  return { xs, ys: null, labels: null, size: n, dispose: () => xs.dispose() };
}

/** {@link readDigitCsv} under the name that fits clothing too: the layouts are the same. */
export const readImageCsv: typeof readDigitCsv = readDigitCsv;

/** Options of {@link writeImageCsv}. */
export interface WriteImageCsvOptions {
  /** Number of the first pixel column: 0 (Kaggle's digits, default) or 1 (Kaggle's Fashion-MNIST). */
  readonly firstPixel?: CsvFirstPixel;
}

/**
 * Writes labelled images as CSV in a Kaggle layout (`label,pixel0…` or `label,pixel1…`): pixels
 * back to 0-255 (images must be in [0, 1], as every data set here is). The file is written to a
 * temporary name and renamed, so a reader never sees half a file.
 */
export function writeImageCsv(file: string, ds: Pick<Dataset, "xs" | "labels" | "size">, options: WriteImageCsvOptions = {}): void {
  for (const key of Object.keys(options)) {
    if (key !== "firstPixel") throw new Error(`writeImageCsv: unknown option "${key}" (expected firstPixel)`);
  }
  const first = options.firstPixel ?? 0;
  if (first !== 0 && first !== 1) throw new Error(`writeImageCsv: firstPixel must be 0 or 1, got ${String(first)}`);
  if (ds.xs.size !== ds.size * PIXELS_PER_IMAGE || ds.labels.length !== ds.size) {
    throw new Error(
      `writeImageCsv: expected ${ds.size} images of ${PIXELS_PER_IMAGE} pixels and ${ds.size} labels, ` +
        `got xs [${ds.xs.shape}] and ${ds.labels.length} labels`,
    );
  }
  const values = ds.xs.dataSync();
  const columns: pl.Series[] = [pl.Series(CSV_LABEL_COLUMN, Array.from(ds.labels), pl.Int32)];
  csvPixelColumns(first).forEach((name, p) => {
    const column = new Int32Array(ds.size);
    for (let i = 0; i < ds.size; i++) {
      const v = values[i * PIXELS_PER_IMAGE + p]!;
      if (!(v >= 0 && v <= 1)) throw new Error(`writeImageCsv: pixel ${p} of image ${i} is ${v}, outside [0, 1]`);
      column[i] = Math.round(v * 255);
    }
    columns.push(pl.Series(name, column, pl.Int32));
  });
  const partial = `${file}.partial`;
  pl.DataFrame(columns).writeCSV(partial);
  renameSync(partial, file);
}
