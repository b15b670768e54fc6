import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { activationStats, reluLayerNames } from "../../src/models/activations";
import { cnn } from "../../src/models/cnn";
import { INITIALIZER_NAMES, kernelInitializer, parseInitializerName } from "../../src/models/common";
import { BATCH_NORM_MOMENTUM, mlp } from "../../src/models/mlp";
import { buildModel } from "../../src/models/registry";

before(async () => {
  await tf.setBackend("cpu");
});

const layerTypes = (model: tf.LayersModel) => model.layers.map((l) => [l.name, l.getClassName()]);

test("mlp: the defaults build the lecture's network, layer for layer, unchanged", () => {
  const model = mlp({ seed: 1 });
  assert.deepEqual(layerTypes(model), [
    ["flatten", "Flatten"],
    ...[1, 2, 3, 4].flatMap((i) => [
      [`dense${i}`, "Dense"],
      [`dropout${i}`, "SeededDropout"],
    ]),
    ["output", "Dense"],
  ]);
  assert.deepEqual(reluLayerNames(model), ["dense1", "dense2", "dense3", "dense4"]);
  // The default initialiser is still Glorot uniform with the same per-layer seeds.
  const same = mlp({ seed: 1, init: "glorot", dropout: 0.3, batchNorm: false });
  assert.deepEqual(model.getWeights()[0]!.dataSync(), same.getWeights()[0]!.dataSync());
  model.dispose();
  same.dispose();
});

test("mlp: depth and width — hunkim's 3-layer 256-256 and 5-layer × 512 networks", () => {
  const shallow = mlp({ hidden: [256, 256], dropout: 0 });
  const deep = mlp({ hidden: [512, 512, 512, 512], dropout: 0 });
  assert.equal(shallow.countParams(), 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10); // 269,322
  assert.equal(deep.countParams(), 784 * 512 + 512 + 3 * (512 * 512 + 512) + 512 * 10 + 10); // 1,195,018
  assert.equal(shallow.layers.filter((l) => l.getClassName() === "Dense").length, 3);
  assert.equal(deep.layers.filter((l) => l.getClassName() === "Dense").length, 5);
  shallow.dispose();
  deep.dispose();
});

test("mlp: batch normalisation — dense (no bias) → batchnorm → relu → dropout, and its parameter count", () => {
  const model = mlp({ hidden: [32, 16], dropout: 0.5, batchNorm: true, seed: 2 });
  assert.deepEqual(layerTypes(model), [
    ["flatten", "Flatten"],
    ["dense1", "Dense"],
    ["batchnorm1", "BatchNormalization"],
    ["relu1", "Activation"],
    ["dropout1", "SeededDropout"],
    ["dense2", "Dense"],
    ["batchnorm2", "BatchNormalization"],
    ["relu2", "Activation"],
    ["dropout2", "SeededDropout"],
    ["output", "Dense"],
  ]);
  // No dense bias; γ, β, moving mean and moving variance per unit (the last two not trainable).
  assert.equal(model.countParams(), 784 * 32 + 4 * 32 + 32 * 16 + 4 * 16 + 16 * 10 + 10);
  assert.equal(model.getLayer("batchnorm1").getConfig()["momentum"], BATCH_NORM_MOMENTUM);
  assert.deepEqual(reluLayerNames(model), ["relu1", "relu2"]);
  model.dispose();
});

test("initialisers: zeros, N(0, 0.01²), Glorot and He give the expected weight scales", () => {
  const fanIn = 512;
  const fanOut = 256;
  const std = (name: (typeof INITIALIZER_NAMES)[number]) =>
    tf.tidy(() => Math.sqrt(tf.moments(kernelInitializer(name, 3, 1).apply([fanIn, fanOut])).variance.dataSync()[0]!));
  assert.equal(std("zeros"), 0);
  assert.ok(Math.abs(std("normal") - 0.01) < 0.0005, `normal: ${std("normal")}`);
  // Glorot uniform: variance 2/(fan-in + fan-out).
  assert.ok(Math.abs(std("glorot") / Math.sqrt(2 / (fanIn + fanOut)) - 1) < 0.03, `glorot: ${std("glorot")}`);
  // He normal, truncated at 2σ by tfjs: the standard deviation is √(2/fan-in) × 0.88 (truncation).
  assert.ok(Math.abs(std("he") / Math.sqrt(2 / fanIn) - 0.88) < 0.03, `he: ${std("he")}`);
});

test("mlp: every initialiser builds, seeded runs repeat, and zeros makes every unit identical", () => {
  for (const init of INITIALIZER_NAMES) {
    const a = mlp({ hidden: [16, 16], init, dropout: 0, seed: 4 });
    const b = buildModel("mlp", { hidden: [16, 16], init, dropout: 0, seed: 4 });
    a.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), b.getWeights()[i]!.dataSync(), `${init}: weight ${i}`));
    a.dispose();
    b.dispose();
  }
  const zeros = mlp({ hidden: [8], init: "zeros", dropout: 0 });
  for (const w of zeros.getWeights()) assert.ok(w.dataSync().every((v) => v === 0));
  zeros.dispose();
});

test("activationStats: per-layer spread; zero weights give all-zero activations; no leaked tensors", () => {
  const xs = tf.randomUniform([64, 28, 28, 1], 0, 1, "float32", 9);
  const start = tf.memory().numTensors;
  const spread = (init: (typeof INITIALIZER_NAMES)[number]) => {
    const model = mlp({ hidden: [64, 64, 64, 64, 64], init, dropout: 0, seed: 1 });
    const stats = activationStats(model, xs);
    model.dispose();
    return stats;
  };
  const zeros = spread("zeros");
  assert.deepEqual(
    zeros.map((s) => s.layer),
    ["dense1", "dense2", "dense3", "dense4", "dense5"],
  );
  assert.ok(zeros.every((s) => s.std === 0 && s.zeroFraction === 1));
  // Small weights: the activations shrink by more than 10× per layer; He keeps them within 4× of the first layer.
  const small = spread("normal").map((s) => s.std);
  for (let i = 1; i < small.length; i++) assert.ok(small[i]! < small[i - 1]! / 10, `normal: ${small}`);
  const he = spread("he").map((s) => s.std);
  assert.ok(
    he.every((s) => s > he[0]! / 4 && s < he[0]! * 4),
    `he: ${he}`,
  );
  assert.equal(tf.memory().numTensors, start);
  xs.dispose();
});

test("cnn: filters and denseUnits make it narrower; the defaults are unchanged", () => {
  const narrow = cnn({ filters: [8, 16, 32], denseUnits: 64, seed: 1 });
  assert.equal(narrow.countParams(), 9 * 8 + 8 + (9 * 8 * 16 + 16) + (9 * 16 * 32 + 32) + (512 * 64 + 64) + (64 * 10 + 10));
  assert.deepEqual(narrow.getLayer("flatten").outputShape, [null, 512]);
  const wide = cnn({ seed: 1 });
  const explicit = cnn({ seed: 1, filters: [32, 64, 128], denseUnits: 128 });
  assert.equal(wide.countParams(), 356_234);
  wide.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), explicit.getWeights()[i]!.dataSync()));
  for (const m of [narrow, wide, explicit]) m.dispose();
});

test("ladder options: bad values fail at the door, naming the option", () => {
  assert.throws(() => mlp({ init: "xavier" as never }), /Unknown initializer "xavier": expected one of zeros, normal, glorot, he/);
  assert.throws(() => parseInitializerName("uniform"), /Unknown initializer "uniform"/);
  assert.throws(() => mlp({ hidden: [512, 0] }), /mlp: hidden must be a non-empty list of positive integers, got \[512, 0\]/);
  assert.throws(() => mlp({ hidden: [64.5] }), /mlp: hidden must be/);
  assert.throws(() => mlp({ batchNorm: "yes" as never }), /mlp: batchNorm must be true or false, got yes/);
  assert.throws(() => mlp({ droput: 0.5 } as never), /mlp: unknown option "droput"/);
  assert.throws(() => cnn({ filters: [] }), /cnn: filters must be a non-empty list of positive integers, got \[\]/);
  assert.throws(() => cnn({ denseUnits: 0 }), /cnn: denseUnits must be a positive integer, got 0/);
  const model = mlp({ hidden: [4], dropout: 0 });
  const xs = tf.zeros([1, 28, 28, 1]);
  assert.throws(() => activationStats(model, xs, ["dense9"]), /no layer "dense9" in mlp/);
  xs.dispose();
  model.dispose();
});
