import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { barChart, linePlot } from "../../src/plot/charts";
import { heatmap } from "../../src/plot/heatmap";
import { imageGrid } from "../../src/plot/image-grid";
import { MAX_TABLE_CELLS, plotAltText, plotCaption, plotDataTable, plotKind } from "../../src/plot/text-alternative";

test("plotAltText: a line chart says each curve's first and last point (gaps skipped)", () => {
  const plot = linePlot(
    [
      { name: "train", x: [1, 2, 3], y: [2.3456, 1, 0.1234] },
      { name: "test", x: [1, 2, 3], y: [2, 1.5, NaN] },
    ],
    { title: "Loss", xTitle: "epoch", yTitle: "loss" },
  );
  assert.equal(plotKind(plot), "Line chart of loss against epoch");
  assert.equal(plotAltText(plot), "Line chart of loss against epoch. train: 2.35 at 1 to 0.123 at 3. test: 2 at 1 to 1.5 at 2.");
  assert.equal(plotCaption(plot), "Loss");
  assert.equal(plotDataTable(plot), "");
});

test("plotAltText: bars say their values, or their range when there are many", () => {
  const few = barChart([{ name: "count", x: ["a", "b"], y: [3, 5] }], { xTitle: "class", yTitle: "images" });
  assert.equal(plotAltText(few), "Bar chart of images by class. count: a: 3, b: 5.");
  const many = barChart([{ name: "n", x: Array.from({ length: 20 }, (_, i) => i), y: Array.from({ length: 20 }, (_, i) => i * 2) }]);
  assert.equal(plotAltText(many), "Bar chart. n: 0 to 38.");
  assert.equal(plotCaption(many), "Bar chart");
});

test("plotAltText / plotDataTable: a heatmap gives its range and, when small, every value", () => {
  const plot = heatmap(
    [
      [192, 0],
      [1, 180],
    ],
    { x: ["0", "1"], y: ["0", "1"], xTitle: "predicted", yTitle: "true", showValues: true },
  );
  assert.equal(plotAltText(plot), "Heatmap, 2 rows (true) by 2 columns (predicted). Values from 0 to 192.");
  assert.equal(
    plotDataTable(plot),
    "<table><caption>Heatmap, 2 rows (true) by 2 columns (predicted): the values</caption>" +
      '<tr><th scope="col">true \\ predicted</th><th scope="col">0</th><th scope="col">1</th></tr>' +
      '<tr><th scope="row">0</th><td>192</td><td>0</td></tr><tr><th scope="row">1</th><td>1</td><td>180</td></tr></table>',
  );
  const side = Math.floor(Math.sqrt(MAX_TABLE_CELLS)) + 1;
  const big = heatmap(Array.from({ length: side }, () => Array.from({ length: side }, () => 0.5)));
  assert.equal(plotDataTable(big), "", `${side}×${side} cells is over the table limit`);
});

test("plotAltText: an image grid names its images, not their pixels", () => {
  const images = tf.zeros([3, 4, 4]);
  try {
    const titled = imageGrid(images, { titles: ["a 7", "a 1", "a 2"], title: "Digits" });
    assert.equal(plotAltText(titled), "3 images of 4×4 pixels. a 7; a 1; a 2.");
    assert.equal(plotCaption(titled), "Digits");
    assert.equal(plotDataTable(titled), "", "no table of pixels");
    assert.equal(plotAltText(imageGrid(images)), "3 images of 4×4 pixels.");
  } finally {
    images.dispose();
  }
});

test("builders: a caption is kept on the plot; an empty one is an error", () => {
  assert.equal(linePlot([{ name: "a", x: [0], y: [1] }], { caption: "falls" }).caption, "falls");
  assert.throws(() => heatmap([[1]], { caption: " " }), /caption must be a non-empty string/);
});
