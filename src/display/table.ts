/**
 * Any nodejs-polars DataFrame as a clean HTML table, for notebooks and the exported pages.
 *
 * Why our own HTML instead of polars' `toHTML()`: we want a plain, escaped `<table>` that the
 * notebook's and the exported site's CSS style the same way, numbers right-aligned and floats
 * rounded, and a visible note when rows are left out.
 */
import type { DataFrame } from "nodejs-polars";
import { showHtml } from "./output";
import { escapeHtml } from "./escape";
import { checkOptions, checkPositiveInt } from "../check";

/** Options of {@link dataFrameHtml} and {@link showTable}. */
export interface TableHtmlOptions {
  /** Rows shown at most; the rest are summarised in a last row. Default 20. */
  readonly maxRows?: number;
  /** Decimals shown for float columns. Default 4. */
  readonly decimals?: number;
  /** Caption above the table (escaped). */
  readonly caption?: string;
}

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
  checkOptions(options, ["maxRows", "decimals", "caption"], "dataFrameHtml");
  const maxRows = options.maxRows ?? 20;
  const decimals = options.decimals ?? 4;
  checkPositiveInt(maxRows, "maxRows", "dataFrameHtml");
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw new Error(`dataFrameHtml: decimals must be an integer in 0..20, got ${decimals}`);
  }
  const columns = df.columns;
  const variants = df.dtypes.map((d) => d.variant as string);
  const right = variants.map((v) => NUMERIC.has(v));
  const align = (i: number) => (right[i] ? ' style="text-align:right"' : "");
  const head = columns.map((c, i) => `<th${align(i)}>${escapeHtml(c)}</th>`).join("");
  const shown = df.height > maxRows ? df.head(maxRows) : df;
  const cell = (v: unknown, i: number) => `<td${align(i)}>${escapeHtml(formatCell(v, FLOAT.has(variants[i]!), decimals))}</td>`;
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
