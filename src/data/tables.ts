/**
 * Tables for the lessons: nodejs-polars DataFrames summarising data, and a clean HTML rendering
 * of any DataFrame for notebooks and the exported pages.
 *
 * Why our own HTML instead of polars' `toHTML()`: we want a plain, escaped `<table>` that the
 * notebook's and the exported site's CSS style the same way, numbers right-aligned and floats
 * rounded, and a visible note when rows are left out.
 */
import type { DataFrame } from "nodejs-polars";
import pl from "nodejs-polars";
import { showHtml } from "../notebook/display";
import { escapeHtml } from "../notebook/html";
import { NUM_CLASSES } from "./dataset";

/**
 * How often each class occurs: a DataFrame with columns `digit` (the label 0..9, all ten even
 * when a count is 0), `class` when `classNames` are given (e.g. a data set's `classNames`),
 * `count` and `share` (count / total). Labels outside 0..9 are an error.
 */
export function labelDistribution(labels: Int32Array, classNames?: readonly string[]): DataFrame {
  if (labels.length === 0) throw new Error("labelDistribution: no labels (empty array)");
  if (classNames !== undefined && (!Array.isArray(classNames) || classNames.length !== NUM_CLASSES)) {
    throw new Error(`labelDistribution: classNames must be ${NUM_CLASSES} names, got ${String(classNames)}`);
  }
  const counts = new Array<number>(NUM_CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v < 0 || v >= NUM_CLASSES) {
      throw new Error(`labelDistribution: label ${v} at index ${i} is outside 0..${NUM_CLASSES - 1}`);
    }
    counts[v]!++;
  }
  return pl.DataFrame([
    pl.Series("digit", counts.map((_, d) => d), pl.Int32),
    ...(classNames ? [pl.Series("class", [...classNames], pl.Utf8)] : []),
    pl.Series("count", counts, pl.Int64),
    pl.Series("share", counts.map((c) => c / labels.length), pl.Float64),
  ]);
}

/** Options of {@link dataFrameHtml} and {@link showTable}. */
export interface TableHtmlOptions {
  /** Rows shown at most; the rest are summarised in a last row. Default 20. */
  readonly maxRows?: number;
  /** Decimals shown for float columns. Default 4. */
  readonly decimals?: number;
  /** Caption above the table (escaped). */
  readonly caption?: string;
}

const OPTION_KEYS = new Set(["maxRows", "decimals", "caption"]);

const NUMERIC = new Set([
  ...["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"],
  ...["Float32", "Float64", "Decimal"],
]);
const FLOAT = new Set(["Float32", "Float64"]);

function formatCell(value: unknown, isFloat: boolean, decimals: number): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return isFloat && Number.isFinite(value) ? value.toFixed(decimals) : String(value);
  if (typeof value === "bigint" || typeof value === "boolean" || typeof value === "string") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/**
 * Renders a DataFrame as an HTML `<table>` (header, one row per DataFrame row, all text
 * escaped). Shows at most `maxRows` rows and says how many were left out.
 */
export function dataFrameHtml(df: DataFrame, options: TableHtmlOptions = {}): string {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) {
      throw new Error(`dataFrameHtml: unknown option "${key}" (expected maxRows, decimals, caption)`);
    }
  }
  const maxRows = options.maxRows ?? 20;
  const decimals = options.decimals ?? 4;
  if (!Number.isInteger(maxRows) || maxRows < 1) {
    throw new Error(`dataFrameHtml: maxRows must be a positive integer, got ${maxRows}`);
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw new Error(`dataFrameHtml: decimals must be an integer in 0..20, got ${decimals}`);
  }
  const columns = df.columns;
  const variants = df.dtypes.map((d) => d.variant as string);
  const right = variants.map((v) => NUMERIC.has(v));
  const align = (i: number) => (right[i] ? ' style="text-align:right"' : "");
  const head = columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("");
  const shown = df.height > maxRows ? df.head(maxRows) : df;
  const cell = (v: unknown, i: number) =>
    `<td${align(i)}>${escapeHtml(formatCell(v, FLOAT.has(variants[i]!), decimals))}</td>`;
  const body = shown.rows().map((row) => `<tr>${row.map(cell).join("")}</tr>`);
  if (df.height > maxRows) {
    const more = df.height - maxRows;
    const note = `… ${more} more row${more === 1 ? "" : "s"} (${df.height} in all)`;
    body.push(`<tr><td colspan="${columns.length}">${note}</td></tr>`);
  }
  const caption = options.caption === undefined ? "" : `<caption>${escapeHtml(options.caption)}</caption>`;
  return `<table class="tsdl-table">${caption}<thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

/** Shows a DataFrame: an HTML table in a notebook, polars' text table elsewhere. */
export function showTable(df: DataFrame, options: TableHtmlOptions = {}): void {
  const html = dataFrameHtml(df, options);
  const text = options.caption === undefined ? df.toString() : `${options.caption}\n${df.toString()}`;
  showHtml(html, text);
}
