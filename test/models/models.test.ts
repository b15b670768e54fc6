import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { cnn } from "../../src/models/cnn";
import { deepCnn } from "../../src/models/deep-cnn";
import { mlp } from "../../src/models/mlp";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { buildModel, MODEL_NAMES, parseModelName, type ModelName } from "../../src/models/registry";
import { seededDropout } from "../../src/models/seeded-dropout";

before(async () => {
  // Building and one forward pass only: the pure-JS backend is enough and exact.
  await tf.setBackend("cpu");
});

/** Parameter counts worked out by hand from the layer shapes (see each builder's doc). */
const EXPECTED_PARAMS: Record<ModelName, number> = {
  softmax: 784 * 10 + 10,
  mlp: 784 * 1024 + 1024 + 2 * (1024 * 1024 + 1024) + 1024 * 512 + 512 + 512 * 10 + 10,
  cnn: 320 + 18_496 + 73_856 + 262_272 + 1_290,
  "deep-cnn": 160 + 2_320 + 4_640 + 9_248 + 18_496 + 36_928 + 51_250 + 510,
};

for (const name of MODEL_NAMES) {
  test(`${name}: parameter count, output shape, probabilities, no leaked tensors`, () => {
    const start = tf.memory().numTensors;
    const model = buildModel(name, { seed: 1 });
    assert.equal(model.countParams(), EXPECTED_PARAMS[name]);
    assert.deepEqual(model.inputs[0]!.shape, [null, 28, 28, 1]);
    assert.deepEqual(model.outputs[0]!.shape, [null, 10]);
    const rows = tf.tidy(() => {
      const p = model.predict(tf.randomUniform([3, 28, 28, 1], 0, 1, "float32", 7)) as tf.Tensor2D;
      assert.deepEqual(p.shape, [3, 10]);
      return p.sum(1).arraySync() as number[];
    });
    for (const s of rows) assert.ok(Math.abs(s - 1) < 1e-5, `softmax rows sum to 1, got ${s}`);
    model.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
}

test("the published counts: 7,850 / 3,432,970 / 356,234 / 123,552", () => {
  assert.deepEqual(
    MODEL_NAMES.map((n) => EXPECTED_PARAMS[n]),
    [7_850, 3_432_970, 356_234, 123_552],
  );
});

test("same seed gives the same initial weights, another seed different ones", () => {
  const a = cnn({ seed: 5 });
  const b = cnn({ seed: 5 });
  const c = cnn({ seed: 6 });
  const wa = a.getWeights()[0]!.dataSync();
  const wb = b.getWeights()[0]!.dataSync();
  const wc = c.getWeights()[0]!.dataSync();
  assert.deepEqual(wa, wb);
  assert.notDeepEqual(wa, wc);
  // Same-shaped layers get their own seeds: mlp's dense2 and dense3 kernels differ.
  const m = mlp({ seed: 5 });
  const w = m.getWeights();
  assert.deepEqual(w[2]!.shape, w[4]!.shape);
  assert.notDeepEqual(w[2]!.dataSync().slice(0, 50), w[4]!.dataSync().slice(0, 50));
  for (const model of [a, b, c, m]) model.dispose();
});

test("cnn: feature maps 28 → 14 → 7 → 4 ('same' pools) and 2,048 features into the dense layer", () => {
  const model = cnn();
  const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape]));
  assert.deepEqual(shapes["pool1"], [null, 14, 14, 32]);
  assert.deepEqual(shapes["pool2"], [null, 7, 7, 64]);
  assert.deepEqual(shapes["pool3"], [null, 4, 4, 128]);
  assert.deepEqual(shapes["flatten"], [null, 2048]);
  model.dispose();
});

test("cnn: the seeds' 2-conv CNN (5×5 filters 32/64, dense 1024) has 7·7·64 = 3,136 features and 3,274,634 weights", () => {
  const model = cnn({ filters: [32, 64], kernelSize: 5, denseUnits: 1024, convDropout: 0 });
  const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape]));
  assert.deepEqual(shapes["conv1"], [null, 28, 28, 32]);
  assert.deepEqual(shapes["flatten"], [null, 3136]);
  assert.deepEqual((model.getLayer("conv2").getWeights()[0] as tf.Tensor).shape, [5, 5, 32, 64]);
  // conv1 5·5·32+32, conv2 5·5·32·64+64, dense 3136·1024+1024, output 1024·10+10.
  assert.equal(model.countParams(), 832 + 51_264 + 3_212_288 + 10_250);
  model.dispose();
  assert.throws(() => cnn({ kernelSize: 0 }), /cnn: kernelSize must be a positive integer, got 0/);
});

test("deep-cnn: the book's shapes, including the padding-2 convolution (14 → 16)", () => {
  const model = deepCnn();
  const shapes = Object.fromEntries(model.layers.map((l) => [l.name, l.outputShape]));
  assert.deepEqual(shapes["conv2"], [null, 28, 28, 16]);
  assert.deepEqual(shapes["pool1"], [null, 14, 14, 16]);
  assert.deepEqual(shapes["conv4"], [null, 16, 16, 32]);
  assert.deepEqual(shapes["pool2"], [null, 8, 8, 32]);
  assert.deepEqual(shapes["pool3"], [null, 4, 4, 64]);
  assert.deepEqual(shapes["affine1"], [null, 50]);
  // Dropout sits after both affine layers, and softmax comes last.
  const names = model.layers.map((l) => l.name);
  assert.deepEqual(names.slice(-5), ["affine1", "dropout1", "affine2", "dropout2", "softmax"]);
  model.dispose();
});

test("mlp: hidden widths and dropout are options", () => {
  const model = mlp({ hidden: [32], dropout: 0 });
  assert.equal(model.countParams(), 784 * 32 + 32 + 32 * 10 + 10);
  assert.ok(!model.layers.some((l) => l.getClassName() === "SeededDropout"));
  model.dispose();
  const withDropout = mlp({ hidden: [8, 8] });
  const rates = withDropout.layers.filter((l) => l.getClassName() === "SeededDropout").map((l) => l.getConfig()["rate"]);
  assert.deepEqual(rates, [0.3, 0.3]);
  withDropout.dispose();
});

test("softmaxRegression builds the same model as buildModel('softmax')", () => {
  const a = softmaxRegression({ seed: 2 });
  const b = buildModel("softmax", { seed: 2 });
  assert.deepEqual(a.getWeights()[0]!.dataSync(), b.getWeights()[0]!.dataSync());
  a.dispose();
  b.dispose();
});

test("bad options and unknown names fail with clear errors", () => {
  assert.throws(() => parseModelName("resnet"), /Unknown model "resnet": expected one of softmax, mlp, cnn, deep-cnn/);
  assert.throws(() => buildModel("lenet" as ModelName), /Unknown model "lenet"/);
  assert.equal(parseModelName("deep-cnn"), "deep-cnn");
  assert.throws(() => cnn({ seed: 1.5 }), /seed must be an integer, got 1.5/);
  assert.throws(() => mlp({ dropout: 1 }), /dropout must be in \[0, 1\), got 1/);
  assert.throws(() => mlp({ hidden: [] }), /hidden must be a non-empty list/);
  assert.throws(() => deepCnn({ dropout: -0.1 }), /dropout must be in \[0, 1\)/);
  assert.throws(() => cnn({ denseDropout: 2 }), /denseDropout must be in \[0, 1\)/);
});

test("every builder names an unknown option key and the keys it takes, before building anything", () => {
  const start = tf.memory().numTensors;
  const cases: [ModelName, RegExp][] = [
    ["softmax", /^Error: softmaxRegression: unknown option "sede" \(expected one of seed\)$/],
    ["mlp", /^Error: mlp: unknown option "sede" \(expected one of seed, hidden, dropout, init, batchNorm\)$/],
    ["cnn", /^Error: cnn: unknown option "sede" \(expected one of seed, convDropout, denseDropout, filters, denseUnits, kernelSize\)$/],
    ["deep-cnn", /^Error: deepCnn: unknown option "sede" \(expected one of seed, dropout\)$/],
  ];
  assert.deepEqual(
    cases.map(([name]) => name),
    [...MODEL_NAMES],
    "every registered model is checked",
  );
  for (const [name, message] of cases) {
    assert.throws(() => buildModel(name, { sede: 1 } as never), message, name);
  }
  // The builders themselves, called directly, check the same way.
  assert.throws(() => cnn({ seed: 1, dense_units: 64 } as never), /cnn: unknown option "dense_units"/);
  assert.throws(() => deepCnn({ droput: 0.5 } as never), /deepCnn: unknown option "droput"/);
  assert.throws(() => softmaxRegression({ seeds: 1 } as never), /softmaxRegression: unknown option "seeds"/);
  assert.throws(() => cnn(null as never), /cnn: options must be an object, got null/);
  assert.throws(
    () => seededDropout({ rate: 0.5, sede: 3 } as never),
    /^Error: seededDropout: unknown option "sede" \(expected one of rate, seed, name\)$/,
  );
  assert.equal(tf.memory().numTensors, start, "nothing was built");
});
