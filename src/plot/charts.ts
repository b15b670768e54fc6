/** Line plots (training curves) and bar charts. */
import { type BarTrace, type Plot, type ScatterTrace, TITLE_ROOM, captionOf, roundForPlot } from "./spec";

/** One named curve: `y[i]` at `x[i]`. */
export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/** One named group of bars: height `y[i]` at category `x[i]`. */
export interface BarSeries {
  readonly name: string;
  readonly x: readonly (string | number)[];
  readonly y: readonly number[];
}

/** Options shared by {@link linePlot} and {@link barChart}. */
export interface ChartOptions {
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** Logarithmic y axis (losses over many epochs). Line plots only. */
  readonly logY?: boolean;
  /** Height in pixels (default 360). */
  readonly height?: number;
  /** What to see in the plot, shown after the title in the figure's caption. */
  readonly caption?: string;
}

function checkSeries(series: readonly { name: string; x: readonly unknown[]; y: readonly number[] }[], where: string): void {
  if (!Array.isArray(series) || series.length === 0) throw new Error(`${where}: pass at least one series`);
  for (const s of series) {
    if (!Array.isArray(s.x) || !Array.isArray(s.y)) throw new Error(`${where}: series "${s.name}" needs arrays x and y`);
    if (s.x.length !== s.y.length) throw new Error(`${where}: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
  }
}

function chartLayout(opts: ChartOptions, showlegend: boolean): Plot["layout"] {
  const height = opts.height ?? 360;
  if (!Number.isInteger(height) || height < 100) throw new Error(`height must be an integer ≥ 100, got ${height}`);
  return {
    ...(opts.title ? { title: { text: opts.title } } : {}),
    height,
    margin: { t: opts.title ? 16 + TITLE_ROOM : 16, r: 16, b: 48, l: 64 },
    showlegend,
    xaxis: { ...(opts.xTitle ? { title: { text: opts.xTitle } } : {}), automargin: true },
    yaxis: { ...(opts.yTitle ? { title: { text: opts.yTitle } } : {}), ...(opts.logY ? { type: "log" as const } : {}), automargin: true },
  };
}

/**
 * Curves against a shared x axis — loss or accuracy per epoch.
 *
 * @example show(linePlot([{ name: "train", x: epochsRun, y: trainLoss }, { name: "test", x: epochsRun, y: testLoss }], { title: "Loss", xTitle: "epoch", yTitle: "loss" }))
 */
export function linePlot(series: readonly Series[], opts: ChartOptions = {}): Plot {
  checkSeries(series, "linePlot");
  const data: ScatterTrace[] = series.map((s) => ({
    type: "scatter",
    mode: s.x.length <= 30 ? "lines+markers" : "lines",
    name: s.name,
    x: [...s.x],
    y: s.y.map(roundForPlot),
  }));
  return {
    data,
    layout: chartLayout(opts, series.length > 1),
    config: { responsive: true, displaylogo: false },
    maxWidth: 720,
    ...captionOf(opts),
  };
}

/**
 * Grouped bars — e.g. how many images of each digit a split holds.
 *
 * @example show(barChart([{ name: "train", x: digits, y: counts }], { title: "Digits per class" }))
 */
export function barChart(series: readonly BarSeries[], opts: ChartOptions = {}): Plot {
  checkSeries(series, "barChart");
  if (opts.logY) throw new Error("barChart: logY is not supported (bars start at 0)");
  const data: BarTrace[] = series.map((s) => ({ type: "bar", name: s.name, x: [...s.x], y: [...s.y] }));
  return {
    data,
    layout: {
      ...chartLayout(opts, series.length > 1),
      barmode: "group",
      xaxis: { type: "category", ...(opts.xTitle ? { title: { text: opts.xTitle } } : {}), automargin: true },
    },
    config: { responsive: true, displaylogo: false },
    maxWidth: 720,
    ...captionOf(opts),
  };
}
