// Lesson 4 writes a network with one hidden ReLU layer as variables in a cell the learner reads and
// says that `tsdl.mlp({ hidden: [n], dropout: 0 })` is the same network. This test runs the cell's
// own source (found by its tag) against the library, so the lesson never drifts from the model it
// says it explains.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { mlp } from "../../src/models/mlp";
import { runCells, taggedCell } from "./notebooks";

const NOTEBOOK = "04-gradient-descent.ipynb";
const TAG = "hidden-layer-network";

interface HiddenLayerNet {
  variables: tf.Variable[];
  scores(X: tf.Tensor): tf.Tensor;
  dispose(): void;
}

function lessonNet(hidden: number, seed: number): HiddenLayerNet {
  const { newHiddenLayerNet } = runCells(taggedCell(NOTEBOOK, TAG), { tf }, ["newHiddenLayerNet"]) as {
    newHiddenLayerNet(hidden: number, seed: number): HiddenLayerNet;
  };
  return newHiddenLayerNet(hidden, seed);
}

before(async () => {
  await tf.setBackend("cpu");
});

test("the lesson's hidden-layer network is tsdl.mlp with one hidden layer: same weights in the same order, same outputs", () => {
  const start = tf.memory().numTensors;
  for (const hidden of [32, 7]) {
    const ours = lessonNet(hidden, 3);
    const library = mlp({ hidden: [hidden], dropout: 0, seed: 1 });
    assert.deepEqual(
      ours.variables.map((v) => v.shape),
      library.getWeights().map((w) => w.shape),
      "kernel, bias, kernel, bias: the same shapes in the same order",
    );
    assert.equal(
      ours.variables.reduce((n, v) => n + v.size, 0),
      library.countParams(),
    );
    assert.deepEqual(
      library.layers.map((l) => l.getClassName()),
      ["Flatten", "Dense", "Dense"],
    );
    library.setWeights(ours.variables);
    tf.tidy(() => {
      // Inputs shaped as digits, with negative values too, so that ReLU has something to cut.
      const X = tf.randomNormal([6, 28, 28, 1], 0, 1, "float32", 9);
      const gap = tf.max(tf.abs(tf.sub(tf.softmax(ours.scores(X)), library.predict(X) as tf.Tensor))).dataSync()[0]!;
      assert.ok(gap < 1e-5, `softmax of the lesson's scores vs tsdl.mlp's probabilities: ${gap}`);
      const cut = tf
        .relu(tf.matMul(tf.reshape(X, [-1, 784]), ours.variables[0]!))
        .equal(0)
        .any()
        .dataSync()[0];
      assert.equal(cut, 1, "the test inputs reach ReLU's flat part");
    });
    ours.dispose();
    library.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
});

test("the lesson's network starts from its seed: the same seed gives the same weights, another seed others", () => {
  const start = tf.memory().numTensors;
  const [a, b, c] = [lessonNet(16, 1), lessonNet(16, 1), lessonNet(16, 2)];
  tf.tidy(() => {
    assert.equal(tf.max(tf.abs(tf.sub(a.variables[0]!, b.variables[0]!))).dataSync()[0], 0);
    assert.ok(tf.max(tf.abs(tf.sub(a.variables[0]!, c.variables[0]!))).dataSync()[0]! > 0);
  });
  for (const n of [a, b, c]) n.dispose();
  assert.equal(tf.memory().numTensors, start);
});
