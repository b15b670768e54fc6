import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend } from "../../src/backend/select";
import { makeDataset, type Dataset } from "../../src/data/dataset";
import { softmaxRegression } from "../../src/models/softmax-regression";
import { NO_AUGMENT } from "../../src/augment/options";
import { fit, type FitOptions } from "../../src/train/fit";
import { squaresDataset } from "./synthetic";

let copies: Dataset;
let validation: Dataset;
let digit: Float32Array;

before(async () => {
  await selectBackend();
  // Eight copies of one image: without augmentation every training row fit sees is that image,
  // so any difference between rows can only come from the augmentation.
  const one = squaresDataset(1, 5);
  digit = one.xs.dataSync() as Float32Array;
  const xs = tf.tile(one.xs, [8, 1, 1, 1]) as tf.Tensor4D;
  const ys = tf.tile(one.ys, [8, 1]) as tf.Tensor2D;
  copies = makeDataset(xs, ys, new Int32Array(8).fill(one.labels[0]!));
  one.dispose();
  validation = squaresDataset(20, 6);
});

after(() => {
  copies.dispose();
  validation.dispose();
});

/** Every image fit trains on (apply with training: true), read back row by row; predict is left alone. */
async function trainingRows(options: Partial<FitOptions>): Promise<{ rows: Float32Array[]; validationCalls: number }> {
  const model = softmaxRegression({ seed: 1 });
  const rows: Float32Array[] = [];
  let validationCalls = 0;
  const apply = model.apply.bind(model);
  model.apply = ((inputs: tf.Tensor, kwargs?: { training?: boolean }) => {
    if (kwargs?.training === true) {
      const data = inputs.dataSync() as Float32Array;
      const per = data.length / inputs.shape[0]!;
      for (let i = 0; i < inputs.shape[0]!; i++) rows.push(data.slice(i * per, (i + 1) * per));
    }
    return apply(inputs, kwargs);
  }) as typeof model.apply;
  const predict = model.predict.bind(model);
  model.predict = ((x: tf.Tensor, args?: object) => {
    validationCalls += 1;
    // The validation pass must see the original images: they are not copies of `digit`.
    return predict(x, args);
  }) as typeof model.predict;
  await fit(model, { train: copies, validation }, { epochs: 2, batchSize: 4, lr: 0.01, progress: false, ...options });
  model.dispose();
  return { rows, validationCalls };
}

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

test("fit without augment trains on the images as they are", async () => {
  const { rows } = await trainingRows({});
  assert.equal(rows.length, 16, "2 epochs × 8 images");
  assert.ok(rows.every((r) => same(r, digit)));
});

test("fit with augment: every training row gets its own transform, in every batch and epoch", async () => {
  const { rows, validationCalls } = await trainingRows({ augment: {} });
  assert.equal(rows.length, 16);
  assert.ok(validationCalls >= 2, "validation still ran after each epoch");
  for (let i = 0; i < rows.length; i++) {
    assert.ok(!same(rows[i]!, digit), `row ${i} was not augmented`);
    for (let j = 0; j < i; j++) {
      // One stream for the whole call: a generator re-created per batch or epoch would repeat rows.
      assert.ok(!same(rows[i]!, rows[j]!), `rows ${j} and ${i} got the same transform`);
    }
    const r = rows[i]!;
    assert.ok(
      r.every((v) => v >= 0 && v <= 1),
      "augmented pixels stay in [0, 1]",
    );
  }
});

test("fit with augment repeats with the same seed and changes with another", async () => {
  const a = (await trainingRows({ augment: { maxRotationDeg: 20 }, seed: 3 })).rows;
  const b = (await trainingRows({ augment: { maxRotationDeg: 20 }, seed: 3 })).rows;
  const c = (await trainingRows({ augment: { maxRotationDeg: 20 }, seed: 4 })).rows;
  assert.ok(
    a.every((r, i) => same(r, b[i]!)),
    "same seed, same augmented batches",
  );
  assert.ok(
    a.some((r, i) => !same(r, c[i]!)),
    "another seed, other transforms",
  );
});

test("fit with NO_AUGMENT trains on unchanged images; a bad augment option fails before training", async () => {
  const { rows } = await trainingRows({ augment: NO_AUGMENT });
  assert.ok(rows.every((r) => rows.length === 16 && same(r, digit)));
  const model = softmaxRegression({ seed: 1 });
  await assert.rejects(
    fit(model, { train: copies }, { epochs: 1, batchSize: 4, lr: 0.01, progress: false, augment: { maxShift: -1 } }),
    /augment option maxShift must be ≥ 0/,
  );
  await assert.rejects(
    fit(model, { train: copies }, { epochs: 1, batchSize: 4, lr: 0.01, progress: false, augment: { flipX: true } as object }),
    /augment option "flipX" is not supported/,
  );
  model.dispose();
});

test("fit with augment leaves no tensors behind", async () => {
  const model = softmaxRegression({ seed: 1 });
  const start = tf.memory().numTensors;
  await fit(model, { train: copies, validation }, { epochs: 2, batchSize: 3, lr: 0.01, progress: false, augment: {} });
  assert.equal(tf.memory().numTensors, start);
  model.dispose();
});
