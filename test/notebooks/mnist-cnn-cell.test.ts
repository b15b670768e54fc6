// Lesson 6 shows its CNN as tf.sequential / tf.layers code (the cell tagged "model-cnn"); the
// library's tsdl.cnn is what the scripts train. This test compiles and runs that cell and checks
// that both build the same network: layer classes, names, output shapes, parameters, dropout, and
// the same starting weights for the same seed.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tsdl from "../../src/index";
import { assertSameWeights, runCells, taggedCell } from "./notebooks";

const tf = tsdl.tf;

/** The cell's `cnnModel`, compiled as tslab would run it (with `tf` and `tsdl` from the setup cell). */
function cellCnnModel(): (seed: number) => tsdl.tf.Sequential {
  const source = taggedCell("06-mnist-cnn.ipynb", "model-cnn");
  assert.match(source, /tf\.sequential\(/, "the cell builds the model with tf.sequential");
  assert.match(source, /tf\.layers\.conv2d\(/, "and tf.layers");
  return runCells(source, { tf, tsdl }, ["cnnModel"]).cnnModel as (seed: number) => tsdl.tf.Sequential;
}

function layerTable(model: tsdl.tf.LayersModel) {
  return model.layers.map((l) => ({
    name: l.name,
    className: l.getClassName(),
    outputShape: l.outputShape,
    params: l.countParams(),
    ...(l instanceof tsdl.SeededDropout ? { rate: l.rate, seed: l.seed } : {}),
  }));
}

test("the lesson's CNN cell builds the same network as tsdl.cnn, with the same starting weights", () => {
  const cnnModel = cellCnnModel();
  const before = tf.memory().numTensors;
  const fromCell = cnnModel(7);
  const fromLibrary = tsdl.cnn({ seed: 7 });
  try {
    assert.deepEqual(layerTable(fromCell), layerTable(fromLibrary));
    assert.equal(fromCell.countParams(), 356_234);
    assert.deepEqual(fromCell.outputs[0]!.shape, [null, 10]);
    assertSameWeights(fromCell, fromLibrary);
  } finally {
    fromCell.dispose();
    fromLibrary.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});
