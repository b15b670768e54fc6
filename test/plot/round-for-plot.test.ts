// Plot values are rounded to keep pages small, but never so far that small values vanish.
import { test } from "node:test";
import assert from "node:assert/strict";
import { linePlot } from "../../src/plot/charts";
import { roundForPlot, type ScatterTrace } from "../../src/plot/spec";

test("roundForPlot keeps 4 significant digits, integers exactly, and makes non-finite values gaps", () => {
  assert.equal(roundForPlot(0.123456), 0.1235);
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: a number to round, not Math.E
  assert.equal(roundForPlot(2.718281828), 2.718);
  assert.equal(roundForPlot(-1.23456e-6), -1.235e-6);
  assert.equal(roundForPlot(123456789), 123456789);
  assert.equal(roundForPlot(0), 0);
  assert.equal(roundForPlot(Number.NaN), null);
  assert.equal(roundForPlot(Number.POSITIVE_INFINITY), null);
});

test("a log-scale loss curve keeps its small values (none rounds to 0)", () => {
  const losses = [0.75, 1e-3, 3.2e-6, 1.6e-8];
  const plot = linePlot([{ name: "loss", x: [1, 2, 3, 4], y: losses }], { logY: true });
  const y = (plot.data[0] as ScatterTrace).y;
  y.forEach((v, i) => assert.ok(v !== null && v > 0 && Math.abs(v - losses[i]!) <= 1e-3 * losses[i]!, `point ${i}: ${v}`));
});
