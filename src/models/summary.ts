/**
 * A model's layer table (name, type, output shape, parameters), as data: notebooks render it
 * as HTML, scripts as text, tests compare it.
 */
import type * as tf from "@tensorflow/tfjs";
import type { DataFrame } from "nodejs-polars";
import pl from "nodejs-polars";

/** One row of {@link modelSummary}. */
export interface ModelSummaryRow {
  /** Layer name, e.g. `conv1`. */
  readonly layer: string;
  /** Layer class, e.g. `Conv2D`. */
  readonly type: string;
  /** Output shape with `null` for the batch dimension, e.g. `[null, 28, 28, 32]`. */
  readonly outputShape: readonly (number | null)[];
  /** Number of weights in this layer (trainable or not). */
  readonly params: number;
}

/** The layer table of a built model, in layer order. Sum of `params` = `model.countParams()`. */
export function modelSummary(model: tf.LayersModel): ModelSummaryRow[] {
  return model.layers.map((layer) => {
    const shape = layer.outputShape;
    if (Array.isArray(shape[0])) {
      // Only multi-output layers report a list of shapes; the lesson models have none.
      throw new Error(`modelSummary: layer "${layer.name}" has several outputs, which this table cannot show`);
    }
    return {
      layer: layer.name,
      type: layer.getClassName(),
      outputShape: [...(shape as (number | null)[])],
      params: layer.countParams(),
    };
  });
}

/** Formats a shape as text, e.g. `[null, 28, 28, 32]` (null = any batch size). */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "null" : String(d))).join(", ")}]`;
}

/** The summary as a plain-text table with a total line, for terminals and logs. */
export function summaryText(rows: readonly ModelSummaryRow[]): string {
  const table = [
    ["layer", "type", "output shape", "params"],
    ...rows.map((r) => [r.layer, r.type, formatShape(r.outputShape), r.params.toLocaleString("en-US")]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === row.length - 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ");
  const total = rows.reduce((sum, r) => sum + r.params, 0);
  return [...table.map(line), `total params: ${total.toLocaleString("en-US")}`].join("\n");
}

/** A model's layer table ({@link modelSummary}) as a DataFrame: `layer`, `type`, `output_shape`, `params`. */
export function layersFrame(model: tf.LayersModel): DataFrame {
  const rows = modelSummary(model);
  return pl.DataFrame([
    pl.Series(
      "layer",
      rows.map((r) => r.layer),
      pl.Utf8,
    ),
    pl.Series(
      "type",
      rows.map((r) => r.type),
      pl.Utf8,
    ),
    pl.Series(
      "output_shape",
      rows.map((r) => formatShape(r.outputShape)),
      pl.Utf8,
    ),
    pl.Series(
      "params",
      rows.map((r) => r.params),
      pl.Int64,
    ),
  ]);
}
