import { before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { DATASET_NAMES, idxDataset, testSplitLabels } from "../../src/data/datasets";
import { readMnistSplitSync } from "../../src/data/mnist";
import { defaultMnistDir } from "../../src/data/paths";
import { FASHION_MNIST, FASHION_MNIST_CLASSES, fashionMnistImages, loadFashionMnist } from "../../src/data/fashion-mnist";
import { md5Hex } from "../../src/data/idx";
import { datasetDir, DATASET_PROFILE_SIZES, readIdxSplit, type LoadDatasetOptions } from "../../src/data/idx-dataset";
import { MNIST } from "../../src/data/mnist";
import { projectRoot } from "../../src/data/paths";
import { countLabels, tempDir } from "./fixtures";

// From data/fashion-mnist/README.md (and upstream's): the first ten training labels.
const FIRST_TRAIN_LABELS = [9, 0, 0, 3, 0, 2, 7, 2, 5, 5];

before(async () => {
  await tf.setBackend("cpu");
});

const SPLITS = ["train", "test"] as const;
const KINDS = ["images", "labels"] as const;

test("data/fashion-mnist: four files with the md5s (.gz and decompressed) of its README, MIT credit", () => {
  const dir = datasetDir(FASHION_MNIST);
  assert.equal(dir, path.join(projectRoot(), "data", "fashion-mnist"));
  const readme = readFileSync(path.join(dir, "README.md"), "utf8");
  for (const split of SPLITS) {
    for (const kind of KINDS) {
      const { file, md5, contentMd5 } = FASHION_MNIST.files[split][kind];
      const gz = readFileSync(path.join(dir, file));
      assert.equal(md5Hex(gz), md5, file);
      assert.equal(md5Hex(gunzipSync(gz)), contentMd5, `${file} decompressed`);
      assert.ok(readme.includes(`| ${file} |`) && readme.includes(md5) && readme.includes(contentMd5), file);
    }
  }
  assert.match(readme, /MIT/);
  assert.match(readme, /Zalando/);
  FASHION_MNIST_CLASSES.forEach((name, label) => assert.ok(readme.includes(`| ${label} | ${name} |`), name));
});

test("readIdxSplit(FASHION_MNIST): 60,000 / 10,000 images, first labels 9 0 0 3 0 2 7 2 5 5, 1,000 test images per class", async () => {
  const dir = datasetDir(FASHION_MNIST);
  const trainRaw = await readIdxSplit(FASHION_MNIST, dir, "train");
  assert.equal(trainRaw.count, 60000);
  assert.deepEqual(Array.from(trainRaw.labels.subarray(0, 10)), FIRST_TRAIN_LABELS);
  assert.deepEqual(countLabels(trainRaw.labels), new Array(10).fill(6000));
  const testRaw = await readIdxSplit(FASHION_MNIST, dir, "test");
  assert.equal(testRaw.pixels.length, 10000 * 784);
  assert.deepEqual(countLabels(testRaw.labels), new Array(10).fill(1000));
});

test("loadFashionMnist fast profile: profile sizes, class names, pixels in [0,1], no leak", async () => {
  const before = tf.memory().numTensors;
  const s = await loadFashionMnist({ profile: "fast" });
  try {
    const want = DATASET_PROFILE_SIZES.fast;
    assert.deepEqual([s.train.size, s.validation.size, s.test.size], [want.train, want.validation, want.test]);
    assert.deepEqual(s.classNames, FASHION_MNIST_CLASSES);
    assert.equal(s.classNames[9], "Ankle boot");
    for (const ds of [s.train, s.validation, s.test]) {
      assert.deepEqual(ds.xs.shape, [ds.size, 28, 28, 1]);
      const [min, max] = tf.tidy(() => [ds.xs.min().dataSync()[0], ds.xs.max().dataSync()[0]]);
      assert.equal(min, 0);
      assert.equal(max, 1);
      assert.ok(countLabels(ds.labels).every((c) => c > 0));
    }
  } finally {
    s.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test("fashionMnistImages: the first training images, synchronously, with their labels", () => {
  const { xs, labels } = fashionMnistImages("train", 10);
  assert.deepEqual(xs.shape, [10, 28, 28, 1]);
  assert.deepEqual(Array.from(labels), FIRST_TRAIN_LABELS);
  xs.dispose();
  assert.throws(() => fashionMnistImages("test", 2, 9999), /fashionMnistImages: offset 9999 \+ count 2 exceeds the 10000 test images/);
  assert.throws(() => fashionMnistImages("valid" as "test", 1), /Unknown Fashion-MNIST split "valid"/);
});

/** A folder holding the real test files, transformed by `edit` (given the decompressed bytes). */
function testSplitCopy(prefix: string, edit: (raw: Buffer, kind: "images" | "labels") => Buffer) {
  const tmp = tempDir(prefix);
  for (const kind of KINDS) {
    const { file } = FASHION_MNIST.files.test[kind];
    const raw = gunzipSync(readFileSync(path.join(datasetDir(FASHION_MNIST), file)));
    writeFileSync(path.join(tmp.dir, file), edit(raw, kind));
  }
  return tmp;
}

test("the loader checks the decompressed contents: a re-compressed or an unpacked copy loads", async () => {
  for (const [name, edit] of [
    ["recompressed", (raw: Buffer) => gzipSync(raw, { level: 1 })],
    ["unpacked", (raw: Buffer) => raw],
  ] as const) {
    const tmp = testSplitCopy(`fashion-${name}`, edit);
    try {
      const { file } = FASHION_MNIST.files.test.images;
      assert.notEqual(md5Hex(readFileSync(path.join(tmp.dir, file))), FASHION_MNIST.files.test.images.md5);
      const raw = await readIdxSplit(FASHION_MNIST, tmp.dir, "test");
      assert.equal(raw.count, 10000, name);
      assert.deepEqual(countLabels(raw.labels), new Array(10).fill(1000), name);
    } finally {
      tmp.cleanup();
    }
  }
});

test("loader errors name the Fashion-MNIST file and problem: changed pixel, truncated file, missing files and folder", async () => {
  const changed = testSplitCopy("fashion-changed", (raw, kind) => {
    const copy = Buffer.from(raw);
    if (kind === "images") copy[5000] = (copy[5000]! + 1) % 256; // one pixel, gzip still valid
    return gzipSync(copy);
  });
  try {
    const imagesFile = path.join(changed.dir, FASHION_MNIST.files.test.images.file);
    await assert.rejects(readIdxSplit(FASHION_MNIST, changed.dir, "test"), (err: Error) => {
      assert.ok(err.message.startsWith(`${imagesFile}: wrong checksum`), err.message);
      assert.match(err.message, /expected md5 of the decompressed contents 8181f5470baa50b63fa0f6fddb340f0a/);
      return true;
    });
    // Without the checksum the same bytes are a valid data set.
    assert.equal((await readIdxSplit(FASHION_MNIST, changed.dir, "test", { verify: false })).count, 10000);
  } finally {
    changed.cleanup();
  }
  const truncated = testSplitCopy("fashion-truncated", (raw, kind) => gzipSync(kind === "labels" ? raw.subarray(0, 5000) : raw));
  try {
    await assert.rejects(
      readIdxSplit(FASHION_MNIST, truncated.dir, "test", { verify: false }),
      /t10k-labels-idx1-ubyte\.gz: truncated data — dimensions \[10000\] need 10000 data bytes, found 4992/,
    );
  } finally {
    truncated.cleanup();
  }
  const half = tempDir("fashion-half");
  try {
    mkdirSync(half.dir, { recursive: true });
    const { file } = FASHION_MNIST.files.test.images;
    copyFileSync(path.join(datasetDir(FASHION_MNIST), file), path.join(half.dir, file));
    await assert.rejects(readIdxSplit(FASHION_MNIST, half.dir, "test"), /IDX file not found: .*t10k-labels-idx1-ubyte\.gz/);
  } finally {
    half.cleanup();
  }
  await assert.rejects(
    loadFashionMnist({ dir: "/nonexistent/fashion" }),
    /Fashion-MNIST folder not found: \/nonexistent\/fashion \(it should hold the four \.gz files, see data\/fashion-mnist\/README\.md\)/,
  );
});

test("loadFashionMnist rejects bad options, naming itself and the data set", async () => {
  const bad: [unknown, RegExp][] = [
    [{ trainSize: 0 }, /loadFashionMnist: trainSize must be an integer ≥ 1, got 0$/],
    [{ trainSize: 59500, validationSize: 1000 }, /exceeds the 60000 Fashion-MNIST training images/],
    [{ testSize: 10001 }, /testSize 10001 exceeds the 10000 Fashion-MNIST test images/],
    [{ classes: 3 }, /loadFashionMnist: unknown option "classes"/],
    [{ profile: "huge" }, /unknown profile "huge"/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(loadFashionMnist(options as LoadDatasetOptions), message);
  }
});

test("idxDataset: the data sets by name, each in data/<name>; an unknown name is an error listing them", () => {
  assert.deepEqual([...DATASET_NAMES], ["mnist", "fashion-mnist"]);
  assert.equal(idxDataset("mnist"), MNIST);
  assert.equal(idxDataset("fashion-mnist"), FASHION_MNIST);
  for (const name of DATASET_NAMES) assert.equal(idxDataset(name).name, name);
  assert.deepEqual(MNIST.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.throws(() => idxDataset("cifar10"), /Unknown data set "cifar10": expected one of mnist, fashion-mnist/);
});

test("testSplitLabels: a data set's whole test split, the order the results log predicts in", () => {
  const fashion = testSplitLabels("fashion-mnist");
  assert.equal(fashion.length, 10000);
  for (let c = 0; c < 10; c++)
    assert.equal(fashion.filter((l) => l === c).length, 1000, `Fashion-MNIST's test split has 1,000 of class ${c}`);
  assert.deepEqual(Array.from(testSplitLabels("mnist")), Array.from(readMnistSplitSync(defaultMnistDir(), "test").labels));
  assert.throws(() => testSplitLabels("cifar"), /cifar/);
});
