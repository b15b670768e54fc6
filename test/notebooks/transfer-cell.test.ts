// Lesson 10 shows its transfer model as tf.layers code (the cell tagged "model-transfer");
// `npm run train -- --transfer-from` trains the library's tsdl.transferModel. This test compiles
// and runs that cell and checks that both build the same model from the same trained base:
// layers, shapes, what is frozen, the copied base weights and the seeded head.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import * as tsdl from "../../src/index";
import { assertSameWeights, runCells, taggedCell } from "./notebooks";

const tf = tsdl.tf;

before(async () => {
  await tf.setBackend("cpu");
});

type CellTransferModel = (base: tsdl.tf.LayersModel, seed: number) => tsdl.tf.Sequential;

/** The cell's `transferModel`, compiled as tslab would run it (with `tf` and `tsdl` from the setup cell). */
function cellTransferModel(): CellTransferModel {
  const source = taggedCell("10-fashion-mnist-transfer.ipynb", "model-transfer");
  assert.match(source, /tf\.layers\.conv2d\(/, "the cell builds the base with tf.layers");
  assert.match(source, /trainable: false/, "and freezes it");
  return runCells(source, { tf, tsdl }, ["transferModel"]).transferModel as CellTransferModel;
}

// `frozen`: a layer whose weights do not train (a pooling layer's flag changes nothing).
const layerTable = (model: tsdl.tf.LayersModel) =>
  model.layers.map((l) => ({
    name: l.name,
    className: l.getClassName(),
    outputShape: l.outputShape,
    params: l.countParams(),
    frozen: l.countParams() > 0 && !l.trainable,
  }));

test("the lesson's transfer cell builds the same model as tsdl.transferModel, with the same weights", () => {
  const transferModel = cellTransferModel();
  const base = tsdl.cnn({ seed: 3 }); // stands in for the trained MNIST CNN: any weights will do
  const before = tf.memory().numTensors;
  const fromCell = transferModel(base, 2);
  const fromLibrary = tsdl.transferModel(base, { seed: 2 });
  try {
    assert.deepEqual(layerTable(fromCell), layerTable(fromLibrary));
    assert.equal(fromCell.countParams(), 356_234);
    assert.deepEqual(
      fromCell.trainableWeights.map((w) => w.shape),
      fromLibrary.trainableWeights.map((w) => w.shape),
    );
    assertSameWeights(fromCell, fromLibrary);
  } finally {
    fromCell.dispose();
    fromLibrary.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  base.dispose();
});
