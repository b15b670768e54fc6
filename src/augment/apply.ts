/**
 * Applying one affine transform per image, on the device, with `tf.image.transform` (bilinear,
 * zeros outside the image) — one kernel call per batch.
 *
 * Backend quirk handled here: in tfjs 4.22 the `cpu` backend's Transform kernel returns after the
 * first image (its `return` sits inside the batch loop), so images 2..n come back black; the wasm
 * kernel transforms them all. Rather than trusting a backend name, each backend is probed once
 * with a two-image batch; where the batch is broken, images are transformed one at a time (on
 * cpu that still takes only ~3 ms for 100 digits, measured, next to cpu's very slow training).
 */
import * as tf from "@tensorflow/tfjs";
import { resolveDigitTransform, writeTransformRow, type DigitTransform } from "./matrix";

const batchedOk = new Map<string, boolean>();

/** Whether the current backend's Transform kernel transforms every image of a batch (cached per backend). */
export function transformKernelHandlesBatches(): boolean {
  const backend = tf.getBackend();
  const known = batchedOk.get(backend);
  if (known !== undefined) return known;
  if (!tf.getKernel("Transform", backend)) {
    throw new Error(`augment: the "${backend}" backend has no Transform kernel (tf.image.transform); use wasm or cpu`);
  }
  // Two 1×1 white images through the identity: a correct kernel returns [1, 1], the broken one [1, 0].
  const values = tf.tidy(() =>
    tf.image.transform(tf.ones([2, 1, 1, 1]), tf.tensor2d([1, 0, 0, 0, 1, 0, 0, 0], [1, 8]).tile([2, 1]) as tf.Tensor2D),
  );
  const ok = values.dataSync()[1] === 1;
  values.dispose();
  batchedOk.set(backend, ok);
  return ok;
}

/** Throws unless `x` is a live float32 [n, h, w, c] tensor; `what` names the caller. */
export function checkImageBatch(x: tf.Tensor, what: string): void {
  // Duck-typed rather than instanceof: a notebook may hold tensors from another copy of tfjs.
  if (typeof x !== "object" || x === null || !Array.isArray((x as { shape?: unknown }).shape))
    throw new Error(`${what}: x must be a tf.Tensor4D [n, h, w, c], got ${String(x)}`);
  if (x.isDisposed) throw new Error(`${what}: x has been disposed`);
  if (x.rank !== 4) throw new Error(`${what}: x must be [n, h, w, c] (rank 4, e.g. [n, 28, 28, 1]), got shape [${x.shape}]`);
  if (x.dtype !== "float32") throw new Error(`${what}: x must be float32 pixels in [0, 1], got dtype ${x.dtype}`);
}

/** Throws unless every pixel of `x` lies in [0, 1] (fill value 0 and the clip assume it). */
export function checkUnitRange(x: tf.Tensor4D, what: string): void {
  // One tiny read-back per batch (two numbers). A batch scaled to 0..255 or standardised would
  // otherwise be clipped into garbage without a word.
  const range = tf.tidy(() => tf.stack([tf.min(x), tf.max(x)]));
  const [min, max] = range.dataSync();
  range.dispose();
  if (!(min! >= 0 && max! <= 1)) {
    throw new Error(`${what}: pixels must lie in [0, 1] (background 0, ink 1), got values from ${min} to ${max}`);
  }
}

/**
 * Transforms image i of `x` by the row `rows[8i..8i+8)` (see {@link writeTransformRow}), bilinear,
 * zero fill, clipped to [0, 1]. Returns a new tensor; `x` is left alone.
 */
export function applyTransformRows(x: tf.Tensor4D, rows: Float32Array): tf.Tensor4D {
  const n = x.shape[0];
  if (rows.length !== n * 8) throw new Error(`augment: ${rows.length / 8} transforms for ${n} images`);
  if (n === 0) return x.clone();
  const batched = transformKernelHandlesBatches();
  return tf.tidy(() => {
    const m = tf.tensor2d(rows, [n, 8], "float32");
    const out = batched
      ? tf.image.transform(x, m, "bilinear", "constant", 0)
      : tf.concat(
          tf.split<tf.Tensor4D>(x, n, 0).map((img, i) => tf.image.transform(img, m.slice([i, 0], [1, 8]), "bilinear", "constant", 0)),
          0,
        );
    // Bilinear weights sum to 1, so the result is within [0, 1] up to rounding; clip makes it exact.
    return tf.clipByValue(out, 0, 1);
  });
}

/**
 * Applies the given transform to each image: `transforms[i]` to image i (missing fields are the
 * identity's). Deterministic — for showing what one transform does, and for tests. Conventions
 * of the fields: see {@link DigitTransform} (shiftX > 0 moves right, shiftY > 0 down, rotationDeg
 * > 0 turns counter-clockwise on screen, scale > 1 enlarges, shearDeg > 0 slants like italics).
 *
 * @param x images [n, h, w, c], float32 in [0, 1] (for digits: [n, 28, 28, 1]). Not disposed.
 * @returns a new [n, h, w, c] tensor in [0, 1]; the caller disposes it.
 */
export function applyDigitTransforms(x: tf.Tensor4D, transforms: readonly Partial<DigitTransform>[]): tf.Tensor4D {
  checkImageBatch(x, "applyDigitTransforms");
  const [n, h, w] = x.shape;
  if (!Array.isArray(transforms) || transforms.length !== n) {
    const got = Array.isArray(transforms) ? `${transforms.length} transform(s)` : String(transforms);
    throw new Error(`applyDigitTransforms: need one transform per image: ${n} image(s), got ${got}`);
  }
  if (n === 0) return x.clone();
  checkUnitRange(x, "applyDigitTransforms");
  const rows = new Float32Array(n * 8);
  transforms.forEach((t, i) => writeTransformRow(resolveDigitTransform(t, `applyDigitTransforms: transform ${i}`), h, w, rows, i * 8));
  return applyTransformRows(x, rows);
}
