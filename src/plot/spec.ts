/**
 * The plot specification every builder returns: plain data that `Plotly.newPlot(div, data,
 * layout, config)` takes as is. Builders ({@link imageGrid}, {@link heatmap}, {@link linePlot},
 * {@link barChart}) are pure — they return a {@link Plot} and show nothing — so tests can check
 * the numbers and layout; {@link show} puts one on screen.
 *
 * Only the plotly attributes this library uses are typed (no dependency on @types/plotly.js,
 * and a simple .d.ts for tslab's compiler).
 */

/** A plotly colorscale: [position in 0..1, CSS colour] stops. */
export type ColorStops = readonly (readonly [number, string])[];

/** Named colorscales: `gray` (0 → black, 1 → white) for images; `diverging` (blue–white–red) for signed maps. */
export type ColorscaleName = "gray" | "diverging" | "blues";

/** A named colorscale or explicit stops. */
export type Colorscale = ColorscaleName | ColorStops;

const NAMED: Record<ColorscaleName, ColorStops> = {
  gray: [
    [0, "#000000"],
    [1, "#ffffff"],
  ],
  diverging: [
    [0, "#2166ac"],
    [0.5, "#f7f7f7"],
    [1, "#b2182b"],
  ],
  blues: [
    [0, "#f7fbff"],
    [1, "#08306b"],
  ],
};

/** Resolves a {@link Colorscale} to stops; an unknown name is an error, not a silent default. */
export function colorStops(scale: Colorscale): ColorStops {
  if (typeof scale === "string") {
    const stops = (NAMED as Record<string, ColorStops | undefined>)[scale];
    if (!stops) throw new Error(`Unknown colorscale "${scale}": expected ${Object.keys(NAMED).join(", ")} or [[0, color], …, [1, color]]`);
    return stops;
  }
  if (!Array.isArray(scale) || scale.length < 2) throw new Error("A colorscale needs at least two [position, color] stops");
  return scale;
}

export interface TitleSpec {
  readonly text: string;
}

export interface HeatmapTrace {
  readonly type: "heatmap";
  readonly z: readonly (readonly (number | null)[])[];
  readonly x?: readonly string[];
  readonly y?: readonly string[];
  readonly xaxis?: string;
  readonly yaxis?: string;
  readonly name?: string;
  readonly colorscale: ColorStops;
  readonly showscale: boolean;
  readonly zmin?: number;
  readonly zmax?: number;
  readonly texttemplate?: string;
  readonly hovertemplate?: string;
}

export interface ScatterTrace {
  readonly type: "scatter";
  readonly mode: "lines" | "lines+markers" | "markers";
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
}

export interface BarTrace {
  readonly type: "bar";
  readonly name: string;
  readonly x: readonly (string | number)[];
  readonly y: readonly number[];
}

export type Trace = HeatmapTrace | ScatterTrace | BarTrace;

export interface AxisSpec {
  readonly title?: TitleSpec;
  readonly domain?: readonly [number, number];
  readonly anchor?: string;
  readonly autorange?: boolean | "reversed";
  readonly scaleanchor?: string;
  readonly scaleratio?: number;
  readonly constrain?: "range" | "domain";
  readonly showticklabels?: boolean;
  readonly ticks?: "" | "outside" | "inside";
  readonly showgrid?: boolean;
  readonly zeroline?: boolean;
  readonly type?: "linear" | "log" | "category";
  readonly automargin?: boolean;
}

export interface AnnotationSpec {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly xref: "paper";
  readonly yref: "paper";
  readonly xanchor: "left" | "center" | "right";
  readonly yanchor: "top" | "middle" | "bottom";
  readonly showarrow: false;
  readonly font?: { readonly size: number };
}

export interface LayoutSpec {
  readonly title?: TitleSpec;
  readonly height: number;
  readonly margin: { readonly t: number; readonly r: number; readonly b: number; readonly l: number };
  readonly showlegend?: boolean;
  readonly annotations?: readonly AnnotationSpec[];
  readonly barmode?: "group" | "stack";
  readonly xaxis?: AxisSpec;
  readonly yaxis?: AxisSpec;
  /** Extra subplots' axes: xaxis2, yaxis2, … */
  readonly [axis: `xaxis${number}` | `yaxis${number}`]: AxisSpec | undefined;
}

export interface ConfigSpec {
  readonly responsive: boolean;
  readonly displaylogo: boolean;
  readonly displayModeBar?: boolean;
}

/**
 * Pixels a builder adds to the top margin for a title. On a page, plotHtml draws the title as the
 * figure's HTML caption instead (it wraps on a narrow screen) and takes this room back.
 */
export const TITLE_ROOM = 32;

/** What a builder returns and {@link show} draws. */
export interface Plot {
  readonly data: readonly Trace[];
  readonly layout: LayoutSpec;
  readonly config: ConfigSpec;
  /** What to see in the plot: shown after its title in the figure's caption. */
  readonly caption?: string;
  /** The plot's width on a wide page; it shrinks with a narrower one (CSS max-width). */
  readonly maxWidth: number;
}

/** `{ caption }` when one is given (checked), else nothing: shared by every builder. */
export function captionOf(opts: { readonly caption?: string }): { caption?: string } {
  if (opts.caption === undefined) return {};
  if (typeof opts.caption !== "string" || opts.caption.trim() === "")
    throw new Error(`caption must be a non-empty string, got ${JSON.stringify(opts.caption)}`);
  return { caption: opts.caption };
}

/** The short text shown instead of a plot outside Jupyter, e.g. `[plot: 2 scatter traces, title "Loss"]`. */
export function describePlot(plot: Plot): string {
  const counts = new Map<string, number>();
  for (const t of plot.data) counts.set(t.type, (counts.get(t.type) ?? 0) + 1);
  const traces = [...counts].map(([type, n]) => `${n} ${type} trace${n === 1 ? "" : "s"}`).join(", ") || "no traces";
  const title = plot.layout.title ? `, title "${plot.layout.title.text}"` : "";
  return `[plot: ${traces}${title}]`;
}

/**
 * Rounds for display to 4 significant digits: keeps outputs small; integers stay exact. Significant
 * digits, not decimals, so that small values keep their shape (a loss of 3e-6 on a log axis, a
 * weight update of 1e-5 in an image) instead of rounding to 0. NaN/±Inf → null (a gap).
 */
export function roundForPlot(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return Number.isInteger(v) ? v : Number(v.toPrecision(4));
}
