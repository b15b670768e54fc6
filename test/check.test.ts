import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalJson, parseName } from "../src/check";
import { DATASET_NAMES, idxDataset } from "../src/data/datasets";
import { INITIALIZER_NAMES, parseInitializerName } from "../src/models/common";
import { MODEL_NAMES, parseModelName } from "../src/models/registry";
import { OPTIMIZER_NAMES, parseOptimizerName } from "../src/train/optimizer";

test("parseName: a listed name comes back; anything else is named with the list, after its caller when given", () => {
  const colours = ["red", "green"] as const;
  assert.equal(parseName("green", colours, "colour"), "green");
  assert.throws(() => parseName("blue", colours, "colour"), /^Error: Unknown colour "blue": expected one of red, green$/);
  assert.throws(() => parseName("Red", colours, "colour", "paint"), /^Error: paint: unknown colour "Red": expected one of red, green$/);
  assert.throws(() => parseName(3, colours, "colour"), /Unknown colour 3: expected one of red, green/);
  assert.throws(() => parseName(undefined, colours, "colour"), /Unknown colour undefined/);
});

test("the name parsers of models, optimizers, initialisers and data sets all go through parseName", () => {
  const parsers: [(v: string) => unknown, readonly string[], string][] = [
    [parseModelName, MODEL_NAMES, "model"],
    [parseOptimizerName, OPTIMIZER_NAMES, "optimizer"],
    [parseInitializerName, INITIALIZER_NAMES, "initializer"],
    [(v) => idxDataset(v).name, DATASET_NAMES, "data set"],
  ];
  for (const [parse, names, what] of parsers) {
    for (const name of names) assert.equal(parse(name), name);
    assert.throws(
      () => parse("nope"),
      (err: Error) => err.message === `Unknown ${what} "nope": expected one of ${names.join(", ")}`,
    );
  }
});

test("canonicalJson: object keys sorted at every depth, arrays kept in order", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
  assert.equal(canonicalJson({ lr: 0.1, epochs: 2 }), canonicalJson({ epochs: 2, lr: 0.1 }));
  assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
});
