/**
 * Small JavaScript arrays ↔ tensors, for lessons that work with 3×3 toy images.
 *
 * tfjs wants images as N×H×W×C (batch, height, width, channels) and filters as
 * FH×FW×Cin×Cout. Writing those nested four-deep by hand hides the picture a learner has in
 * mind — a matrix — so these helpers take and return plain `number[][]` matrices.
 */
import * as tf from "@tensorflow/tfjs";

/** Checks that `matrix` is a non-empty rectangle of finite numbers; returns [rows, cols]. */
export function matrixShape(matrix: readonly (readonly number[])[], what = "matrix"): [number, number] {
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new Error(`${what}: expected a non-empty array of rows (number[][])`);
  }
  const cols = Array.isArray(matrix[0]) ? matrix[0].length : -1;
  if (cols <= 0) throw new Error(`${what}: row 0 must be a non-empty array of numbers`);
  matrix.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== cols) {
      const got = Array.isArray(row) ? `${row.length} values` : typeof row;
      throw new Error(`${what}: row ${r} has ${got}, expected ${cols} (rows must have equal length)`);
    }
    row.forEach((v, c) => {
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new Error(`${what}: value at row ${r}, column ${c} is ${String(v)}, expected a finite number`);
      }
    });
  });
  return [matrix.length, cols];
}

/**
 * One grayscale image from a matrix: H×W numbers → a `[1, H, W, 1]` tensor (batch of one,
 * one channel), the shape `tf.conv2d` and `tf.maxPool` expect. The caller owns the tensor.
 *
 * @example toTensor4D([[1, 2, 3], [4, 5, 6], [7, 8, 9]]).shape // [1, 3, 3, 1]
 */
export function toTensor4D(matrix: readonly (readonly number[])[]): tf.Tensor4D {
  const [h, w] = matrixShape(matrix, "toTensor4D");
  return tf.tensor4d(matrix.flat(), [1, h, w, 1]);
}

/**
 * Filters for a one-channel image: K matrices of the same FH×FW shape → an `[FH, FW, 1, K]`
 * tensor, i.e. K filters that each produce one output channel. The caller owns the tensor.
 *
 * @example toFilter4D([[1, 1], [1, 1]]).shape                          // [2, 2, 1, 1]
 * @example toFilter4D(ones, tens, minusOnes).shape                    // [2, 2, 1, 3]
 */
export function toFilter4D(...kernels: (readonly (readonly number[])[])[]): tf.Tensor4D {
  if (kernels.length === 0) throw new Error("toFilter4D: pass at least one kernel (number[][])");
  const [fh, fw] = matrixShape(kernels[0]!, "toFilter4D kernel 0");
  kernels.forEach((k, i) => {
    const [h, w] = matrixShape(k, `toFilter4D kernel ${i}`);
    if (h !== fh || w !== fw) {
      throw new Error(`toFilter4D: kernel ${i} is ${h}×${w} but kernel 0 is ${fh}×${fw}; all kernels must match`);
    }
  });
  // Layout [FH, FW, 1, K]: for each (row, col) the K kernel values sit next to each other.
  const values = new Float32Array(fh * fw * kernels.length);
  kernels.forEach((k, i) => {
    for (let r = 0; r < fh; r++) {
      for (let c = 0; c < fw; c++) values[(r * fw + c) * kernels.length + i] = k[r]![c]!;
    }
  });
  return tf.tensor4d(values, [fh, fw, 1, kernels.length]);
}

/**
 * A 2-D map back to a matrix. Accepts the two shapes whose meaning is unambiguous: `[H, W]`, or
 * `[1, H, W, C]` — one image, where `channel` picks the map (it may be left out only when C = 1).
 * Reads the tensor once; does not dispose it.
 *
 * @example toMatrix(tf.conv2d(x, w, 1, "valid")) // [[12, 16], [24, 28]]
 */
export function toMatrix(t: tf.Tensor, channel?: number): number[][] {
  let h: number;
  let w: number;
  let c = 1;
  if (t.rank === 2) {
    [h, w] = t.shape as [number, number];
    if (channel !== undefined && channel !== 0) {
      throw new Error(`toMatrix: channel ${channel} given, but a [${t.shape.join(", ")}] tensor has no channel axis`);
    }
  } else if (t.rank === 4 && t.shape[0] === 1) {
    [, h, w, c] = t.shape as [number, number, number, number];
  } else {
    throw new Error(
      `toMatrix: expected an [H, W] or [1, H, W, C] tensor, got [${t.shape.join(", ")}]` +
        (t.rank === 4 ? " (a batch: slice one image first, e.g. t.slice([i], [1]))" : ""),
    );
  }
  if (channel === undefined && c > 1) {
    throw new Error(`toMatrix: the tensor has ${c} channels; say which one, e.g. toMatrix(t, 0)`);
  }
  const k = channel ?? 0;
  if (!Number.isInteger(k) || k < 0 || k >= c) {
    throw new Error(`toMatrix: channel ${k} is out of range for ${c} channel(s) (valid: 0..${c - 1})`);
  }
  const data = t.dataSync();
  const rows: number[][] = [];
  for (let r = 0; r < h; r++) {
    const row: number[] = [];
    for (let col = 0; col < w; col++) row.push(data[(r * w + col) * c + k]!);
    rows.push(row);
  }
  return rows;
}
