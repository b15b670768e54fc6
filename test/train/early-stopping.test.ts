import { test } from "node:test";
import assert from "node:assert/strict";
import { EarlyStopping } from "../../src/train/early-stopping";

test("val_loss: waits `patience` epochs without improvement, then stops", () => {
  const es = new EarlyStopping({ patience: 2 });
  assert.deepEqual(
    [1.0, 0.8, 0.85, 0.7, 0.75, 0.71].map((v, e) => es.update(v, e)),
    ["improved", "improved", "wait", "improved", "wait", "stop"],
  );
  assert.equal(es.best, 0.7);
  assert.equal(es.bestEpoch, 3);
});

test("val_acc goes up; minDelta ignores tiny gains", () => {
  const es = new EarlyStopping({ patience: 2, monitor: "val_acc", minDelta: 0.01 });
  assert.deepEqual(
    [0.9, 0.905, 0.93, 0.935, 0.939].map((v, e) => es.update(v, e)),
    ["improved", "wait", "improved", "wait", "stop"],
  );
  assert.equal(es.bestEpoch, 2);
});

test("a NaN loss never counts as an improvement", () => {
  const es = new EarlyStopping({ patience: 1 });
  assert.equal(es.update(0.5, 0), "improved");
  assert.equal(es.update(NaN, 1), "stop");
  assert.equal(es.best, 0.5);
});

test("bad options fail with clear errors", () => {
  assert.throws(() => new EarlyStopping({ patience: 0 }), /patience must be an integer ≥ 1, got 0/);
  assert.throws(() => new EarlyStopping({ patience: 1, minDelta: -1 }), /minDelta must be a number ≥ 0/);
  assert.throws(
    () => new EarlyStopping({ patience: 1, monitor: "loss" as "val_loss" }),
    /monitor must be "val_loss" or "val_acc", got "loss"/,
  );
});
