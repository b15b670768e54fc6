import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { selectBackend, type BackendName } from "../../src/backend/select";
import { mulberry32 } from "../../src/data/batches";
import { applyDigitTransforms } from "../../src/augment/apply";
import { augmentBatch, sampleDigitTransforms } from "../../src/augment/batch";
import { DEFAULT_DIGIT_AUGMENT, NO_AUGMENT, resolveAugmentOptions, type AugmentOptions } from "../../src/augment/options";

const SIZE = 28;
const CENTRE = (SIZE - 1) / 2; // 13.5: the pixel-centre convention of the docs
const BACKENDS: readonly BackendName[] = ["cpu", "wasm"];

/** A "Z": point-symmetric about the image centre (so its centre of mass is the centre), but not round. */
function zDigit(): Float32Array {
  const img = new Float32Array(SIZE * SIZE);
  const set = (r: number, c: number, v: number): void => {
    img[r * SIZE + c] = Math.max(img[r * SIZE + c]!, v);
    img[(SIZE - 1 - r) * SIZE + (SIZE - 1 - c)] = Math.max(img[(SIZE - 1 - r) * SIZE + (SIZE - 1 - c)]!, v);
  };
  for (let c = 9; c <= 18; c++) {
    set(8, c, 1);
    set(9, c, 0.6);
  }
  for (let r = 10; r <= 13; r++) {
    const c = 18 - Math.round((r - 10) * 1.5);
    set(r, c, 1);
    set(r, c - 1, 0.5);
  }
  return img;
}

function batchOf(images: readonly Float32Array[]): tf.Tensor4D {
  const data = new Float32Array(images.length * SIZE * SIZE);
  images.forEach((img, i) => data.set(img, i * SIZE * SIZE));
  return tf.tensor4d(data, [images.length, SIZE, SIZE, 1]);
}

function onePixel(row: number, col: number): Float32Array {
  const img = new Float32Array(SIZE * SIZE);
  img[row * SIZE + col] = 1;
  return img;
}

/** Per image: total ink and centre of mass (x = column, y = row). */
function moments(t: tf.Tensor4D): { mass: number; x: number; y: number }[] {
  const d = t.dataSync();
  const out: { mass: number; x: number; y: number }[] = [];
  for (let i = 0; i < t.shape[0]; i++) {
    let mass = 0,
      sx = 0,
      sy = 0;
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const v = d[i * SIZE * SIZE + r * SIZE + c]!;
        mass += v;
        sx += v * c;
        sy += v * r;
      }
    }
    out.push({ mass, x: sx / mass, y: sy / mass });
  }
  return out;
}

/** Positions (row, col) of the pixels brighter than 1e-6 in image i. */
function litPixels(t: tf.Tensor4D, i: number): [number, number, number][] {
  const d = t.dataSync();
  const lit: [number, number, number][] = [];
  for (let p = 0; p < SIZE * SIZE; p++) {
    const v = d[i * SIZE * SIZE + p]!;
    if (v > 1e-6) lit.push([Math.floor(p / SIZE), p % SIZE, v]);
  }
  return lit;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Runs `body` with the backend started and checks it leaves no tensor behind. */
async function onBackend(name: BackendName, body: () => void): Promise<void> {
  await selectBackend(name);
  assert.equal(tf.getBackend(), name);
  const before = tf.memory().numTensors;
  body();
  assert.equal(tf.memory().numTensors, before, `tensors leaked on ${name}`);
}

for (const backend of BACKENDS) {
  test(`${backend}: shape and dtype preserved, output in [0, 1], no tensors left`, async () => {
    await onBackend(backend, () => {
      // Noise and an all-white image: bilinear weights can sum to 1 + ε, the clip must hold.
      const noise = Float32Array.from({ length: SIZE * SIZE }, mulberry32(3));
      const x = batchOf([zDigit(), noise, new Float32Array(SIZE * SIZE).fill(1)]);
      const y = augmentBatch(x, DEFAULT_DIGIT_AUGMENT, 11);
      assert.deepEqual(y.shape, [3, SIZE, SIZE, 1]);
      assert.equal(y.dtype, "float32");
      const v = y.dataSync();
      assert.ok(
        v.every((p) => p >= 0 && p <= 1),
        "every pixel in [0, 1]",
      );
      assert.ok(maxAbsDiff(x, y) > 0.1, "the default recipe changes the images");
      assert.equal(x.isDisposed, false, "the input is not disposed");
      tf.dispose([x, y]);
    });
  });

  test(`${backend}: with all transforms off the output equals the input`, async () => {
    await onBackend(backend, () => {
      const x = batchOf([zDigit(), Float32Array.from({ length: SIZE * SIZE }, mulberry32(5))]);
      const off: Partial<AugmentOptions> = { maxShift: 0, maxRotationDeg: 0, scaleRange: [1, 1] };
      for (const options of [NO_AUGMENT, off]) {
        const y = augmentBatch(x, options, 1);
        assert.ok(maxAbsDiff(x, y) <= 1e-6, `identity with ${JSON.stringify(options)}`);
        y.dispose();
      }
      x.dispose();
    });
  });

  test(`${backend}: shiftX +1 moves a pixel one column right, shiftY +1 one row down — in every image of the batch`, async () => {
    await onBackend(backend, () => {
      const x = batchOf([onePixel(10, 12), onePixel(10, 12), onePixel(10, 12)]);
      // Three images: also guards against tfjs 4.22's cpu Transform kernel, which skips images 2..n.
      const y = applyDigitTransforms(x, [{ shiftX: 1 }, { shiftY: 1 }, { shiftX: -1, shiftY: -1 }]);
      const expected: [number, number][] = [
        [10, 13],
        [11, 12],
        [9, 11],
      ];
      expected.forEach(([r, c], i) => {
        const lit = litPixels(y, i);
        assert.equal(lit.length, 1, `image ${i}: exactly one lit pixel, got ${JSON.stringify(lit)}`);
        assert.deepEqual([lit[0]![0], lit[0]![1]], [r, c], `image ${i}`);
        assert.ok(Math.abs(lit[0]![2] - 1) <= 1e-6, `image ${i}: brightness kept`);
      });
      tf.dispose([x, y]);
    });
  });

  test(`${backend}: rotationDeg > 0 turns counter-clockwise on screen; shearDeg > 0 slants the top right`, async () => {
    await onBackend(backend, () => {
      // (row 13, col 20) is 6.5 px right of the centre: 90° counter-clockwise takes it 6.5 px above.
      const x = batchOf([onePixel(13, 20), onePixel(7, 13)]);
      const y = applyDigitTransforms(x, [{ rotationDeg: 90 }, { shearDeg: 45 }]);
      const lit = litPixels(y, 0);
      assert.equal(lit.length, 1, JSON.stringify(lit));
      assert.deepEqual([lit[0]![0], lit[0]![1]], [7, 13]);
      // (row 7, col 13) is 6.5 rows above the centre: a 45° slant moves it 6.5 px to the right.
      const m = moments(y)[1]!;
      assert.ok(Math.abs(m.x - (13 + 6.5)) < 1e-3 && Math.abs(m.y - 7) < 1e-3, `sheared pixel at ${m.x}, ${m.y}`);
      tf.dispose([x, y]);
    });
  });

  test(`${backend}: small rotations keep the centre of mass at the centre and the ink (±3 %)`, async () => {
    await onBackend(backend, () => {
      const x = batchOf(Array.from({ length: 16 }, zDigit));
      const [orig] = moments(x);
      assert.ok(Math.abs(orig!.x - CENTRE) < 1e-4 && Math.abs(orig!.y - CENTRE) < 1e-4, "the test digit is centred");
      const y = augmentBatch(x, { maxShift: 0, maxRotationDeg: 10, scaleRange: [1, 1] }, 21);
      for (const [i, m] of moments(y).entries()) {
        assert.ok(Math.hypot(m.x - CENTRE, m.y - CENTRE) < 0.1, `image ${i}: centre of mass ${m.x}, ${m.y}`);
        assert.ok(Math.abs(m.mass / orig!.mass - 1) < 0.03, `image ${i}: ink ${m.mass} vs ${orig!.mass}`);
      }
      assert.ok(maxAbsDiff(x, y) > 0.1, "the digits were rotated");
      tf.dispose([x, y]);
    });
  });

  test(`${backend}: a sub-pixel shift moves the centre of mass by exactly that shift`, async () => {
    await onBackend(backend, () => {
      const x = batchOf([zDigit()]);
      const y = applyDigitTransforms(x, [{ shiftX: 1.3, shiftY: -0.7 }]);
      const [a] = moments(x);
      const [b] = moments(y);
      assert.ok(Math.abs(b!.x - a!.x - 1.3) < 1e-3 && Math.abs(b!.y - a!.y + 0.7) < 1e-3, `moved by ${b!.x - a!.x}, ${b!.y - a!.y}`);
      tf.dispose([x, y]);
    });
  });

  test(`${backend}: under the default recipe each digit's ink scales with its zoom² (±3 %)`, async () => {
    await onBackend(backend, () => {
      const n = 12;
      const x = batchOf(Array.from({ length: n }, zDigit));
      const y = augmentBatch(x, DEFAULT_DIGIT_AUGMENT, 8);
      // The same seed draws the same transforms, so the zoom of each image is known.
      const drawn = sampleDigitTransforms(n, DEFAULT_DIGIT_AUGMENT, 8);
      const orig = moments(x)[0]!.mass;
      moments(y).forEach((m, i) => {
        const expected = orig * drawn[i]!.scale ** 2;
        assert.ok(Math.abs(m.mass / expected - 1) < 0.03, `image ${i}: ink ${m.mass}, expected ≈ ${expected}`);
      });
      tf.dispose([x, y]);
    });
  });

  test(`${backend}: the same seed gives the same batch, another seed another one`, async () => {
    await onBackend(backend, () => {
      const x = batchOf([zDigit(), zDigit(), zDigit()]);
      const a = augmentBatch(x, DEFAULT_DIGIT_AUGMENT, 42);
      const b = augmentBatch(x, DEFAULT_DIGIT_AUGMENT, 42);
      const c = augmentBatch(x, DEFAULT_DIGIT_AUGMENT, 43);
      assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
      assert.ok(maxAbsDiff(a, c) > 0.1, "seed 43 differs from seed 42");
      // A generator kept across calls: fresh transforms per batch, and the run replays exactly.
      const run = (): tf.Tensor4D[] => {
        const random = mulberry32(7);
        return [augmentBatch(x, {}, random), augmentBatch(x, {}, random)];
      };
      const [r1, r2] = run();
      const [s1, s2] = run();
      assert.ok(maxAbsDiff(r1!, r2!) > 0.1, "consecutive batches differ");
      assert.equal(maxAbsDiff(r1!, s1!), 0);
      assert.equal(maxAbsDiff(r2!, s2!), 0);
      tf.dispose([x, a, b, c, r1!, r2!, s1!, s2!]);
    });
  });
}

test("cpu and wasm produce the same augmented batch for the same seed", async () => {
  const images = [zDigit(), onePixel(5, 20), Float32Array.from({ length: SIZE * SIZE }, mulberry32(9))];
  const results: Float32Array[] = [];
  for (const backend of BACKENDS) {
    await onBackend(backend, () => {
      const x = batchOf(images);
      const y = augmentBatch(x, { maxShearDeg: 10 }, 99);
      results.push(y.dataSync() as Float32Array);
      tf.dispose([x, y]);
    });
  }
  const [cpu, wasm] = results;
  let worst = 0;
  for (let i = 0; i < cpu!.length; i++) worst = Math.max(worst, Math.abs(cpu![i]! - wasm![i]!));
  assert.ok(worst < 1e-4, `largest cpu–wasm difference ${worst}`);
});

test("an empty batch gives an empty batch", async () => {
  await onBackend("cpu", () => {
    const x = tf.zeros([0, SIZE, SIZE, 1]) as tf.Tensor4D;
    const y = augmentBatch(x, DEFAULT_DIGIT_AUGMENT, 1);
    assert.deepEqual(y.shape, [0, SIZE, SIZE, 1]);
    tf.dispose([x, y]);
  });
});

test("bad options, inputs and random sources are refused with an error naming the problem", async () => {
  await onBackend("cpu", () => {
    const x = batchOf([zDigit()]);
    const bad: [Partial<AugmentOptions>, RegExp][] = [
      [{ maxShift: -1 }, /maxShift must be ≥ 0/],
      [{ maxShift: Number.NaN }, /maxShift must be a finite number/],
      [{ maxShift: 20 }, /maxShift must be ≤ 14/],
      [{ maxRotationDeg: 60 }, /maxRotationDeg must be ≤ 45/],
      [{ maxShearDeg: -5 }, /maxShearDeg must be ≥ 0/],
      [{ scaleRange: [0, 1.1] }, /scaleRange: zoom factors must be > 0/],
      [{ scaleRange: [1.1, 0.9] }, /scaleRange must be \[low, high\] with low ≤ high/],
      [{ scaleRange: [1] as unknown as [number, number] }, /scaleRange must be a pair/],
    ];
    for (const [options, message] of bad) {
      assert.throws(() => augmentBatch(x, options, 1), message, JSON.stringify(options));
    }
    // Unknown keys do not compile in a literal; at run time (plain JS, spreads) they are named.
    // @ts-expect-error flips are not an option
    assert.throws(() => augmentBatch(x, { flipHorizontal: true }, 1), /"flipHorizontal" is not supported: a flipped digit/);
    // @ts-expect-error no such option
    assert.throws(() => augmentBatch(x, { rotation: 10 }, 1), /augment: unknown option "rotation"/);
    assert.throws(() => augmentBatch(x, {}, 1.5), /integer seed/);
    assert.throws(() => augmentBatch(x, {}, () => 1), /random source returned 1; it must return numbers in \[0, 1\)/);
    assert.throws(() => applyDigitTransforms(x, []), /one transform per image: 1 image\(s\), got 0 transform\(s\)/);
    // @ts-expect-error no such field
    assert.throws(() => applyDigitTransforms(x, [{ angle: 3 }]), /transform 0: unknown field "angle"/);
    assert.throws(() => applyDigitTransforms(x, [{ scale: 0 }]), /scale must be > 0/);

    const raw = tf.mul(x, 255) as tf.Tensor4D;
    assert.throws(() => augmentBatch(raw, {}, 1), /pixels must lie in \[0, 1\] \(background 0, ink 1\), got values from 0 to 255/);
    const flat = tf.zeros([2, SIZE, SIZE]);
    assert.throws(() => augmentBatch(flat as unknown as tf.Tensor4D, {}, 1), /rank 4.*\[2,28,28\]/);
    const ints = tf.zeros([1, SIZE, SIZE, 1], "int32") as tf.Tensor4D;
    assert.throws(() => augmentBatch(ints, {}, 1), /float32.*int32/);
    const gone = batchOf([zDigit()]);
    gone.dispose();
    assert.throws(() => augmentBatch(gone, {}, 1), /disposed/);
    tf.dispose([x, raw, flat, ints]);
  });
});

test("resolveAugmentOptions fills missing options from the default recipe", () => {
  assert.deepEqual(resolveAugmentOptions({ maxShift: 1 }), { ...DEFAULT_DIGIT_AUGMENT, maxShift: 1, scaleRange: [0.9, 1.1] });
  assert.deepEqual(resolveAugmentOptions({}), { ...DEFAULT_DIGIT_AUGMENT, scaleRange: [...DEFAULT_DIGIT_AUGMENT.scaleRange] });
});
