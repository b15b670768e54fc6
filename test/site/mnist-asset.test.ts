import { test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { defaultMnistDir } from "../../src/data/paths";
import { MNIST } from "../../src/data/mnist";
import { readIdxSplitSync, splitIndices } from "../../src/data/idx-dataset";
import { MNIST_FIRST_IMAGES, mnistAsset, mnistAssetScript } from "../../scripts/site/mnist-asset";

test("mnistAsset: the fast profile's images (as loadMnist picks them) and the first ones, byte for byte, with every label", () => {
  const asset = mnistAsset(defaultMnistDir());
  const fast = splitIndices(MNIST, { profile: "fast" });
  for (const [name, wanted] of [
    ["train", [...fast.trainIdx, ...fast.validationIdx]],
    ["test", [...fast.testIdx]],
  ] as const) {
    const split = asset[name];
    const raw = readIdxSplitSync(MNIST, defaultMnistDir(), name);
    const held = new Set(split.indices);
    for (const i of wanted) assert.ok(held.has(i), `${name} image ${i} of the fast slice`);
    for (let i = 0; i < MNIST_FIRST_IMAGES[name]; i++) assert.ok(held.has(i), `${name} image ${i} for mnistDigits`);
    assert.deepEqual(
      split.indices,
      [...split.indices].sort((a, b) => a - b),
      "sorted",
    );
    assert.equal(split.count, raw.count);
    const pixels = gunzipSync(Buffer.from(split.pixels, "base64"));
    assert.equal(pixels.length, split.indices.length * 784);
    split.indices.forEach((i, k) => {
      if (k % 97 === 0 || i === split.indices.at(-1)) {
        assert.deepEqual(
          pixels.subarray(k * 784, (k + 1) * 784),
          Buffer.from(raw.pixels.subarray(i * 784, (i + 1) * 784)),
          `${name} image ${i}`,
        );
      }
    });
    assert.deepEqual(new Uint8Array(gunzipSync(Buffer.from(split.labels, "base64"))), new Uint8Array(raw.labels));
  }
  const script = mnistAssetScript(asset);
  const window: { __tsdlData?: { mnist?: unknown } } = {};
  new Function("window", script)(window);
  assert.deepEqual(window.__tsdlData?.mnist, JSON.parse(JSON.stringify(asset)), "the script sets window.__tsdlData.mnist");
});
