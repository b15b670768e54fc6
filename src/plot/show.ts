/**
 * Showing plots: in Jupyter (tslab) as inline HTML drawn by plotly.js, elsewhere (scripts,
 * tests, a terminal) as a one-line text description.
 */
import { showHtml } from "../display/output";
import { plotHtml, plotlyLibHtml, plotlyLibInfo } from "./html";
import { type Plot, describePlot } from "./spec";

let setUp = false;

/**
 * Loads plotly.js into the page, inline and offline: call it once in a notebook's first cell.
 * Each call shows the library again (re-running the first cell must leave it in that cell's
 * output, where a saved or exported notebook needs it). {@link show} calls it by itself before
 * the first plot of a kernel process if the notebook did not.
 */
export function plotlySetup(): void {
  setUp = true;
  const { version } = plotlyLibInfo();
  showHtml(plotlyLibHtml(), `[plotly.js ${version}: plots show as text outside Jupyter]`);
}

/** Draws a plot from a builder ({@link imageGrid}, {@link heatmap}, {@link linePlot}, {@link barChart}). */
export function show(plot: Plot): void {
  if (!setUp) plotlySetup();
  showHtml(plotHtml(plot), describePlot(plot));
}
