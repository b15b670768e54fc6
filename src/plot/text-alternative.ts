/**
 * What a plot says in words, for readers who cannot see it: a caption (its title, else what kind
 * of plot it is), a short description of the data (the plot's text alternative), and for a small
 * heatmap — a confusion matrix — its numbers as a table. Derived from the spec alone, so every
 * plot gets one without the notebook writing it.
 */
import { escapeHtml } from "../display/escape";
import type { HeatmapTrace, Plot } from "./spec";

/** A heatmap with at most this many cells also gets its numbers as a (visually hidden) table. */
export const MAX_TABLE_CELLS = 400;

/** A number as a reader says it: 3 significant digits, no trailing zeros. */
function say(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function finite(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v));
}

function axisWords(plot: Plot): { x: string; y: string } {
  return { x: plot.layout.xaxis?.title?.text ?? "", y: plot.layout.yaxis?.title?.text ?? "" };
}

/** True for an image grid: several heatmaps, each on its own axes. */
function isImageGrid(plot: Plot): boolean {
  return plot.data.length > 0 && plot.data.every((t) => t.type === "heatmap" && t.xaxis !== undefined);
}

/** The plot's kind in a few words: "Line chart of loss against epoch", "Heatmap", "8 images". */
export function plotKind(plot: Plot): string {
  const { x, y } = axisWords(plot);
  const of = (y ? ` of ${y}` : "") + (x ? ` against ${x}` : "");
  const first = plot.data[0];
  if (!first) return "Empty plot";
  if (isImageGrid(plot)) {
    const t = first as HeatmapTrace;
    return `${plot.data.length} image${plot.data.length === 1 ? "" : "s"} of ${t.z.length}×${t.z[0]?.length ?? 0} pixels`;
  }
  if (plot.data.every((t) => t.type === "scatter")) return `Line chart${of}`;
  if (plot.data.every((t) => t.type === "bar")) return `Bar chart${y ? ` of ${y}` : ""}${x ? ` by ${x}` : ""}`;
  if (first.type === "heatmap" && plot.data.length === 1) {
    const rows = first.z.length;
    const cols = first.z[0]?.length ?? 0;
    return `Heatmap, ${rows} row${rows === 1 ? "" : "s"}${y ? ` (${y})` : ""} by ${cols} column${cols === 1 ? "" : "s"}${x ? ` (${x})` : ""}`;
  }
  return "Plot";
}

/** The caption's text: the title when the plot has one, else its kind. */
export function plotCaption(plot: Plot): string {
  return plot.layout.title?.text ?? plotKind(plot);
}

/**
 * A short description of the data: the kind, then per curve its first and last point, per bar
 * group its values (or range), per heatmap its range, per image grid the images' titles.
 */
export function plotAltText(plot: Plot): string {
  const kind = plotKind(plot);
  const parts: string[] = [];
  const grid = isImageGrid(plot);
  for (const t of plot.data) {
    if (t.type === "scatter") {
      const points = t.x
        .map((x, i) => [x, t.y[i]] as const)
        .filter((p): p is readonly [number, number] => p[1] !== null && Number.isFinite(p[1]));
      const a = points[0];
      const b = points[points.length - 1];
      parts.push(a && b ? `${t.name}: ${say(a[1])} at ${say(a[0])} to ${say(b[1])} at ${say(b[0])}` : `${t.name}: no values`);
    } else if (t.type === "bar") {
      const shown =
        t.x.length <= 12 ? t.x.map((x, i) => `${x}: ${say(t.y[i]!)}`).join(", ") : `${say(Math.min(...t.y))} to ${say(Math.max(...t.y))}`;
      parts.push(`${t.name ? `${t.name}: ` : ""}${shown}`);
    } else if (!grid) {
      const values = finite(t.z.flat());
      if (values.length) parts.push(`Values from ${say(Math.min(...values))} to ${say(Math.max(...values))}`);
    }
  }
  if (grid) {
    const names = plot.data.map((t) => t.name ?? "").filter((n) => n !== "" && !/^image \d+$/.test(n));
    if (names.length) parts.push(names.join("; "));
  }
  return parts.length ? `${kind}. ${parts.join(". ")}.` : `${kind}.`;
}

/**
 * A heatmap's numbers as an HTML table (row and column labels as headers), or "" for other
 * plots and for heatmaps over {@link MAX_TABLE_CELLS} cells.
 */
export function plotDataTable(plot: Plot, attributes = ""): string {
  const t = plot.data[0];
  if (plot.data.length !== 1 || !t || t.type !== "heatmap" || t.xaxis !== undefined) return "";
  const rows = t.z.length;
  const cols = t.z[0]?.length ?? 0;
  if (rows * cols === 0 || rows * cols > MAX_TABLE_CELLS) return "";
  const { x, y } = axisWords(plot);
  const colLabels = t.x ?? Array.from({ length: cols }, (_, i) => String(i));
  const rowLabels = t.y ?? Array.from({ length: rows }, (_, i) => String(i));
  const corner = `${escapeHtml(y || "row")} \\ ${escapeHtml(x || "column")}`; // never empty: a header names its column
  const head = `<tr><th scope="col">${corner}</th>${colLabels.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("")}</tr>`;
  const body = t.z
    .map(
      (row, r) =>
        `<tr><th scope="row">${escapeHtml(rowLabels[r] ?? String(r))}</th>${row.map((v) => `<td>${v === null ? "" : say(v)}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table${attributes}><caption>${escapeHtml(plotCaption(plot))}: the values</caption>${head}${body}</table>`;
}
