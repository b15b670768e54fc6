import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultMnistDir } from "../../src/data/paths";
import { readMnistSplitSync } from "../../src/data/mnist";
import { centreOfMass, enlarge, inkBox, MNIST_BOX, MNIST_CENTRE, mnistStyle, type InkImage } from "../../src/demo/preprocess";

const test10k = readMnistSplitSync(defaultMnistDir(), "test");
function digit(i: number): Float32Array {
  return Float32Array.from(test10k.pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
}
const as28 = (data: ArrayLike<number>): InkImage => ({ width: 28, height: 28, data });

test("MNIST's own convention, measured on all 10,000 test digits: bounding box 20 px, centre of mass within ½ px of MNIST_CENTRE", () => {
  let side20 = 0;
  for (let i = 0; i < test10k.count; i++) {
    const img = as28(digit(i));
    const box = inkBox(img)!;
    const side = Math.max(box.bottom - box.top, box.right - box.left);
    assert.ok(side <= MNIST_BOX, `digit ${i}: bounding box side ${side} > ${MNIST_BOX}`);
    if (side === MNIST_BOX) side20++;
    const com = centreOfMass(img)!;
    assert.ok(
      Math.abs(com.row - MNIST_CENTRE) <= 0.5 + 1e-9 && Math.abs(com.col - MNIST_CENTRE) <= 0.5 + 1e-9,
      `digit ${i}: centre of mass (${com.row}, ${com.col}) is more than ½ px from (${MNIST_CENTRE}, ${MNIST_CENTRE})`,
    );
  }
  assert.ok(side20 >= 0.999 * test10k.count, `only ${side20} digits have a 20-pixel bounding box`);
});

test("an MNIST digit drawn 10× larger, off-centre on a big pad, comes back as itself", () => {
  for (let i = 0; i < 500; i++) {
    const original = digit(i);
    const out = mnistStyle(enlarge(original, 10, 340, 3 + (i % 37), 41 - (i % 29)))!;
    assert.deepEqual(inkBox(as28(out)), inkBox(as28(original)), `digit ${i}: placed elsewhere`);
    let max = 0;
    for (const v of original) max = Math.max(max, v);
    for (let k = 0; k < 784; k++) {
      // The only change allowed: MNIST's few digits whose darkest pixel is below 255 are stretched to 1.
      assert.ok(Math.abs(out[k]! - original[k]! / max) < 1e-5, `digit ${i}, pixel ${k}: ${out[k]} vs ${original[k]! / max}`);
    }
  }
});

test("a tall bar is scaled to 20 rows keeping its aspect ratio and centred by mass", () => {
  // 100 × 30 bar: scaled by 0.2 → 20 × 6 with centre of mass (9.5, 2.5); (14, 14) − that = (4.5, 11.5),
  // rounded to a whole-pixel shift (5, 12).
  const size = 200;
  const data = new Float32Array(size * size);
  for (let r = 10; r < 110; r++) for (let c = 150; c < 180; c++) data[r * size + c] = 1;
  const out = mnistStyle({ width: size, height: size, data })!;
  assert.deepEqual(inkBox(as28(out)), { top: 5, left: 12, bottom: 25, right: 18 });
  for (let k = 0; k < 784; k++) assert.ok(out[k] === 0 || Math.abs(out[k]! - 1) < 1e-6, `pixel ${k} = ${out[k]}`);
});

test("a thin diagonal stroke becomes grey levels between 0 and 1", () => {
  const size = 280;
  const data = new Float32Array(size * size);
  for (let t = 0; t < 200; t++) for (let w = 0; w < 3; w++) data[(40 + t) * size + 60 + t + w] = 1;
  const out = mnistStyle({ width: size, height: size, data })!;
  const grey = Array.from(out).filter((v) => v > 0 && v < 1).length;
  assert.ok(grey > 20, `only ${grey} grey pixels`);
  assert.equal(Math.max(...out), 1);
});

test("a blank pad gives null; a single dot fills the 20×20 box; wrong sizes are named", () => {
  assert.equal(mnistStyle({ width: 10, height: 10, data: new Float32Array(100) }), null);
  const dot = new Float32Array(100);
  dot[55] = 0.3;
  const out = mnistStyle({ width: 10, height: 10, data: dot })!;
  assert.deepEqual(inkBox(as28(out)), { top: 5, left: 5, bottom: 25, right: 25 });
  assert.throws(() => mnistStyle({ width: 10, height: 10, data: new Float32Array(99) }), /10×10 needs 100 values, got 99/);
  assert.throws(() => mnistStyle({ width: 0, height: 10, data: [] }), /positive integers/);
  assert.throws(() => enlarge(new Float32Array(784), 10, 279), /does not fit a 279×279 canvas/);
});
