import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs";
import { md5Hex } from "../../src/data/idx";
import {
  loadMnist,
  MNIST_FILES,
  MNIST_PROFILE_SIZES,
  mnistDigits,
  readMnistSplit,
  readMnistSplitSync,
  type LoadMnistOptions,
} from "../../src/data/mnist";
import { defaultMnistDir } from "../../src/data/paths";
import { countLabels, idxBytes, ramp, tempDir } from "./fixtures";

// Published label counts of the MNIST test set (t10k-labels), digits 0..9.
const TEST_LABEL_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

before(async () => {
  await tf.setBackend("cpu");
});

test("the four files in data/mnist have the md5s of data/mnist/README.md", () => {
  const readme = readFileSync(path.join(defaultMnistDir(), "README.md"), "utf8");
  for (const split of ["train", "test"] as const) {
    for (const kind of ["images", "labels"] as const) {
      const { file, md5 } = MNIST_FILES[split][kind];
      const gz = readFileSync(path.join(defaultMnistDir(), file));
      assert.equal(md5Hex(gz), md5, file);
      const { contentMd5 } = MNIST_FILES[split][kind];
      assert.equal(md5Hex(gunzipSync(gz)), contentMd5, `${file} decompressed`);
      assert.ok(readme.includes(`| ${file} |`) && readme.includes(md5) && readme.includes(contentMd5), `${file} md5s are in the README`);
    }
  }
  assert.match(readme, /CC BY-SA 3\.0/);
});

test("readMnistSplit: the real test set has 10,000 images, first labels 7,2,1,0,4, known label counts", async () => {
  const raw = await readMnistSplit(defaultMnistDir(), "test");
  assert.equal(raw.count, 10000);
  assert.equal(raw.pixels.length, 10000 * 784);
  assert.deepEqual(Array.from(raw.labels.subarray(0, 5)), [7, 2, 1, 0, 4]);
  assert.deepEqual(countLabels(raw.labels), TEST_LABEL_COUNTS);
  // Cached: a second read returns the same bytes without parsing again.
  assert.equal(await readMnistSplit(defaultMnistDir(), "test"), raw);
  assert.equal(readMnistSplitSync(defaultMnistDir(), "test"), raw);
});

test("loadMnist fast profile: sizes, shapes, range [0,1], one-hot rows, labels = argmax(ys), no leak", async () => {
  const before = tf.memory().numTensors;
  const s = await loadMnist({ profile: "fast" });
  try {
    const want = MNIST_PROFILE_SIZES.fast;
    assert.equal(s.train.size, want.train);
    assert.equal(s.validation.size, want.validation);
    assert.equal(s.test.size, want.test);
    for (const ds of [s.train, s.validation, s.test]) {
      assert.deepEqual(ds.xs.shape, [ds.size, 28, 28, 1]);
      assert.deepEqual(ds.ys.shape, [ds.size, 10]);
      assert.equal(ds.xs.dtype, "float32");
      assert.equal(ds.ys.dtype, "float32");
      assert.equal(ds.labels.length, ds.size);
      const [min, max, rowSumsOk, argmaxOk] = tf.tidy(() => [
        ds.xs.min(),
        ds.xs.max(),
        ds.ys.sum(1).equal(1).all(),
        ds.ys.argMax(1).equal(tf.tensor1d(ds.labels, "int32")).all(),
      ]);
      assert.equal(min!.dataSync()[0], 0);
      assert.equal(max!.dataSync()[0], 1);
      assert.equal(rowSumsOk!.dataSync()[0], 1, "every one-hot row sums to 1");
      assert.equal(argmaxOk!.dataSync()[0], 1, "labels match argmax of ys");
      tf.dispose([min!, max!, rowSumsOk!, argmaxOk!]);
      // Every digit occurs in each split (a seeded sample of ≥1,000 from MNIST).
      assert.ok(countLabels(ds.labels).every((c) => c > 0));
    }
  } finally {
    s.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test("loadMnist is seeded: same seed → same examples, different seed → different", async () => {
  const opts: LoadMnistOptions = { profile: "fast", trainSize: 200, validationSize: 50, testSize: 100 };
  const a = await loadMnist({ ...opts, seed: 7 });
  const b = await loadMnist({ ...opts, seed: 7 });
  const c = await loadMnist({ ...opts, seed: 8 });
  try {
    assert.deepEqual(a.train.labels, b.train.labels);
    assert.deepEqual(a.validation.labels, b.validation.labels);
    assert.deepEqual(a.test.labels, b.test.labels);
    assert.deepEqual(a.train.xs.dataSync(), b.train.xs.dataSync());
    assert.notDeepEqual(a.train.labels, c.train.labels);
    assert.notDeepEqual(a.test.labels, c.test.labels);
    // Default seed is 42 and deterministic too.
    const d1 = await loadMnist(opts);
    const d2 = await loadMnist({ ...opts, seed: 42 });
    assert.deepEqual(d1.train.labels, d2.train.labels);
    d1.dispose();
    d2.dispose();
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
  }
});

test("loadMnist: the validation set depends only on seed and its size, not on trainSize", async () => {
  const small = await loadMnist({ trainSize: 100, validationSize: 300, testSize: 10, seed: 3 });
  const large = await loadMnist({ trainSize: 900, validationSize: 300, testSize: 10, seed: 3 });
  try {
    assert.deepEqual(small.validation.labels, large.validation.labels);
    assert.deepEqual(small.train.labels, large.train.labels.subarray(0, 100));
  } finally {
    small.dispose();
    large.dispose();
  }
});

test("loadMnist full profile: 55,000 / 5,000 / the real 10,000 test images in file order", async () => {
  const before = tf.memory().numTensors;
  const s = await loadMnist({ profile: "full" });
  try {
    assert.equal(s.train.size, 55000);
    assert.equal(s.validation.size, 5000);
    assert.equal(s.test.size, 10000);
    assert.deepEqual(Array.from(s.test.labels.subarray(0, 5)), [7, 2, 1, 0, 4]);
    assert.deepEqual(countLabels(s.test.labels), TEST_LABEL_COUNTS);
    // Train + validation are a permutation of all 60,000 training images.
    const raw = await readMnistSplit(defaultMnistDir(), "train");
    const together = countLabels(s.train.labels).map((c, d) => c + countLabels(s.validation.labels)[d]!);
    assert.deepEqual(together, countLabels(raw.labels));
  } finally {
    s.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
});

test("loadMnist rejects bad options with clear errors", async () => {
  const bad: [unknown, RegExp][] = [
    [{ trainSize: -1 }, /trainSize must be an integer ≥ 1, got -1/],
    [{ validationSize: 1.5 }, /validationSize must be an integer ≥ 0, got 1\.5/],
    [{ testSize: 0 }, /testSize must be an integer ≥ 1, got 0/],
    [{ trainSize: 58000, validationSize: 5000 }, /trainSize 58000 \+ validationSize 5000 = 63000 exceeds the 60000/],
    [{ testSize: 10001 }, /testSize 10001 exceeds the 10000 MNIST test images/],
    [{ batchSize: 32 }, /unknown option "batchSize"/],
    [{ profile: "medium" }, /unknown profile "medium"/],
    [{ seed: 0.5 }, /seed must be an integer/],
    [{ dir: "" }, /dir must be a non-empty string/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(loadMnist(options as LoadMnistOptions), message);
  }
  await assert.rejects(loadMnist({ dir: "/nonexistent/mnist" }), /MNIST folder not found: \/nonexistent\/mnist/);
  const { dir, cleanup } = tempDir("mnist-empty");
  try {
    await assert.rejects(loadMnist({ dir }), /IDX file not found: .*-idx[13]-ubyte\.gz/);
  } finally {
    cleanup();
  }
});

test("mnistDigits: the first test digits, synchronously, normalised", () => {
  const { xs, labels } = mnistDigits("test", 5);
  try {
    assert.deepEqual(xs.shape, [5, 28, 28, 1]);
    assert.deepEqual(Array.from(labels), [7, 2, 1, 0, 4]);
    const raw = readMnistSplitSync(defaultMnistDir(), "test");
    const values = xs.dataSync();
    const inked = raw.pixels.subarray(0, 5 * 784).findIndex((v) => v > 0 && v < 255);
    assert.ok(inked > 0);
    assert.equal(values[inked], Math.fround(raw.pixels[inked]! / 255));
    assert.ok(Math.max(...values) <= 1 && Math.min(...values) >= 0);
  } finally {
    xs.dispose();
  }
  const shifted = mnistDigits("test", 3, 2);
  assert.deepEqual(Array.from(shifted.labels), [1, 0, 4]);
  shifted.xs.dispose();
  assert.throws(() => mnistDigits("test", 0), /count must be a positive integer, got 0/);
  assert.throws(() => mnistDigits("test", 2, 9999), /offset 9999 \+ count 2 exceeds the 10000 test images/);
  assert.throws(() => mnistDigits("valid" as "test", 1), /Unknown MNIST split "valid"/);
});

/** Writes the two files of the "train" split into `dir` (gzipped, like the originals). */
function writeSplit(dir: string, images: Buffer, labels: Buffer): void {
  writeFileSync(path.join(dir, MNIST_FILES.train.images.file), gzipSync(images));
  writeFileSync(path.join(dir, MNIST_FILES.train.labels.file), gzipSync(labels));
}

test("readMnistSplit: image/label count mismatch is an error naming both files and counts", async () => {
  const { dir, cleanup } = tempDir("mnist-mismatch");
  try {
    writeSplit(dir, idxBytes([3, 28, 28], ramp(3 * 784)), idxBytes([2], Uint8Array.of(1, 2)));
    await assert.rejects(readMnistSplit(dir, "train", { verify: false }), (err: Error) => {
      assert.match(err.message, /Image\/label count mismatch/);
      assert.match(err.message, /train-images-idx3-ubyte\.gz has 3 images/);
      assert.match(err.message, /train-labels-idx1-ubyte\.gz has 2 labels/);
      return true;
    });
  } finally {
    cleanup();
  }
});

test("readMnistSplit: wrong checksum, wrong image size and labels outside 0..9 are errors", async () => {
  const { dir, cleanup } = tempDir("mnist-bad");
  try {
    writeSplit(dir, idxBytes([2, 28, 28], ramp(2 * 784)), idxBytes([2], Uint8Array.of(1, 2)));
    const imagesFile = path.join(dir, MNIST_FILES.train.images.file);
    await assert.rejects(readMnistSplit(dir, "train"), (err: Error) => {
      assert.ok(err.message.startsWith(`${imagesFile}: wrong checksum`), err.message);
      assert.match(err.message, /md5 of the decompressed contents/);
      assert.ok(err.message.includes(MNIST_FILES.train.images.contentMd5), "names the expected md5");
      assert.ok(err.message.includes(md5Hex(gunzipSync(readFileSync(imagesFile)))), "names the actual md5");
      return true;
    });
    // Same files, checksum check off: now they are fine.
    const raw = await readMnistSplit(dir, "train", { verify: false });
    assert.equal(raw.count, 2);

    const { dir: dir2, cleanup: cleanup2 } = tempDir("mnist-size");
    try {
      writeSplit(dir2, idxBytes([2, 20, 20], ramp(2 * 400)), idxBytes([2], Uint8Array.of(1, 2)));
      await assert.rejects(readMnistSplit(dir2, "train", { verify: false }), /images are 20×20, expected 28×28/);
      writeSplit(dir2, idxBytes([2, 28, 28], ramp(2 * 784)), idxBytes([2], Uint8Array.of(1, 12)));
      assert.throws(() => readMnistSplitSync(dir2, "train", { verify: false }), /label 12 at index 1 is outside 0\.\.9/);
    } finally {
      cleanup2();
    }
  } finally {
    cleanup();
  }
});

test("readMnistSplit: a data file replaced by a folder is an error naming its path", async () => {
  const { dir, cleanup } = tempDir("mnist-folder");
  try {
    writeSplit(dir, idxBytes([2, 28, 28], ramp(2 * 784)), idxBytes([2], Uint8Array.of(1, 2)));
    const labels = path.join(dir, MNIST_FILES.train.labels.file);
    rmSync(labels);
    mkdirSync(labels);
    const message = `${labels} is a folder, not an IDX file`;
    await assert.rejects(readMnistSplit(dir, "train", { verify: false }), (err: Error) => err.message === message);
    assert.throws(
      () => readMnistSplitSync(dir, "train", { verify: false }),
      (err: Error) => err.message === message,
    );
  } finally {
    cleanup();
  }
});
