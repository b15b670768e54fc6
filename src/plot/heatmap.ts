/**
 * One matrix as a coloured grid, optionally with its numbers written in the cells — for toy
 * matrices (a 3×3 image, a filter) and confusion matrices.
 */
import * as tf from "@tensorflow/tfjs";
import { matrixShape, toMatrix } from "../tensor/convert";
import { type Colorscale, type HeatmapTrace, type Plot, TITLE_ROOM, captionOf, colorStops, roundForPlot } from "./spec";

/** Options for {@link heatmap}. */
export interface HeatmapOptions {
  readonly title?: string;
  /** Column labels (e.g. predicted class); default 0, 1, 2, … */
  readonly x?: readonly string[];
  /** Row labels (e.g. true class); default 0, 1, 2, … Row 0 is drawn at the top. */
  readonly y?: readonly string[];
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** Write each value in its cell (integers as is, others with 2 decimals). */
  readonly showValues?: boolean;
  /** Default `"blues"`; `"gray"` for images, `"diverging"` for signed values. */
  readonly colorscale?: Colorscale;
  /** Cell size in pixels on a wide page (default 48). */
  readonly cellSize?: number;
  /** What to see in the plot, shown after the title in the figure's caption. */
  readonly caption?: string;
}

function labels(given: readonly string[] | undefined, count: number, name: string): string[] {
  if (given === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (given.length !== count) throw new Error(`heatmap: ${given.length} ${name} labels for ${count} ${name === "x" ? "columns" : "rows"}`);
  if (new Set(given).size !== given.length)
    throw new Error(`heatmap: ${name} labels must be distinct (plotly merges equal category labels)`);
  return [...given];
}

/**
 * Builds a heatmap of a matrix (`number[][]`, or an `[H, W]` / `[1, H, W, 1]` tensor, which is
 * read and not disposed).
 *
 * @example show(heatmap(confusion, { x: classNames, y: classNames, showValues: true, xTitle: "predicted", yTitle: "true" }))
 */
export function heatmap(matrix: readonly (readonly number[])[] | tf.Tensor, opts: HeatmapOptions = {}): Plot {
  const m = matrix instanceof tf.Tensor ? toMatrix(matrix) : matrix;
  const [rows, cols] = matrixShape(m, "heatmap");
  const cell = opts.cellSize ?? 48;
  if (!Number.isInteger(cell) || cell < 4) throw new Error(`heatmap: cellSize must be an integer ≥ 4, got ${cell}`);
  const x = labels(opts.x, cols, "x");
  const y = labels(opts.y, rows, "y");
  const allIntegers = m.every((row) => row.every((v) => Number.isInteger(v)));
  const trace: HeatmapTrace = {
    type: "heatmap",
    z: m.map((row) => row.map(roundForPlot)),
    x,
    y,
    colorscale: colorStops(opts.colorscale ?? "blues"),
    showscale: !opts.showValues,
    ...(opts.showValues ? { texttemplate: allIntegers ? "%{z}" : "%{z:.2f}" } : {}),
    hovertemplate: "row %{y}, col %{x}: %{z}<extra></extra>",
  };
  const margin = { t: opts.title ? 12 + TITLE_ROOM : 12, r: 12, b: opts.xTitle ? 48 : 28, l: opts.yTitle ? 64 : 40 };
  return {
    data: [trace],
    layout: {
      ...(opts.title ? { title: { text: opts.title } } : {}),
      height: rows * cell + margin.t + margin.b,
      margin,
      xaxis: { type: "category", ...(opts.xTitle ? { title: { text: opts.xTitle } } : {}), showgrid: false, automargin: true },
      yaxis: {
        type: "category",
        autorange: "reversed", // row 0 at the top, as matrices are written
        scaleanchor: "x", // square cells
        constrain: "domain",
        ...(opts.yTitle ? { title: { text: opts.yTitle } } : {}),
        showgrid: false,
        automargin: true,
      },
    },
    config: { responsive: true, displaylogo: false, displayModeBar: false },
    // Wide enough for the colour bar (when shown) and for the title, which plotly would clip.
    maxWidth: Math.max(cols * cell + margin.l + margin.r + (opts.showValues ? 0 : 80), opts.title ? 9 * opts.title.length + 40 : 0),
    ...captionOf(opts),
  };
}
