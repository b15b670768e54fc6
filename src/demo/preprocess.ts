/**
 * A drawing → the 28×28 input the MNIST models expect, made the way MNIST itself was made
 * (LeCun, Cortes & Burges): the digit's bounding box is scaled, keeping its aspect ratio, to fit
 * a 20×20 box, with grey levels from anti-aliasing; the result is placed in the 28×28 field so
 * that its centre of mass sits at the field's centre.
 *
 * Pure arrays, no tfjs and no DOM: the same code runs in the reader's page (on the drawing pad's
 * pixels) and in Node (unit tests, the browser test's replay of MNIST digits).
 */

/** Side of an MNIST image. */
export const MNIST_SIDE = 28;
/** Side of the box the digit's bounding box is scaled into. */
export const MNIST_BOX = 20;

/**
 * Where MNIST puts a digit's centre of mass, in pixel-index coordinates (row, col): (14, 14),
 * half a pixel below and right of the field's geometric centre (13.5, 13.5). Measured, not
 * assumed: every one of the 10,000 test digits has its centre of mass within half a pixel of
 * (14, 14) (a whole-pixel shift can do no better), and a test keeps checking it.
 */
export const MNIST_CENTRE = MNIST_SIDE / 2;

/** A greyscale image: `data[row * width + col]`, 0 = background, larger = more ink. */
export interface InkImage {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
}

/** Rows [top, bottom) and columns [left, right) that hold ink. */
export interface Box {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** A point in pixel-index coordinates (row, col); the pixel (r, c) has its centre at (r, c). */
export interface Point {
  readonly row: number;
  readonly col: number;
}

function checkImage(image: InkImage, what: string): void {
  const { width, height, data } = image;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`${what}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (data.length !== width * height) {
    throw new Error(`${what}: ${width}×${height} needs ${width * height} values, got ${data.length}`);
  }
}

/** The smallest box holding every pixel above `threshold`, or null for a blank image. */
export function inkBox(image: InkImage, threshold = 0): Box | null {
  const { width, height, data } = image;
  let top = height;
  let left = width;
  let bottom = -1;
  let right = -1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      if (data[r * width + c]! > threshold) {
        if (r < top) top = r;
        if (r > bottom) bottom = r;
        if (c < left) left = c;
        if (c > right) right = c;
      }
    }
  }
  return bottom < 0 ? null : { top, left, bottom: bottom + 1, right: right + 1 };
}

/** The ink-weighted mean position, or null for a blank image. */
export function centreOfMass(image: InkImage): Point | null {
  const { width, height, data } = image;
  let mass = 0;
  let rows = 0;
  let cols = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = data[r * width + c]!;
      mass += v;
      rows += v * r;
      cols += v * c;
    }
  }
  return mass > 0 ? { row: rows / mass, col: cols / mass } : null;
}

/**
 * Weights of an area-averaging resampling of `n` source cells onto `m` target cells: target
 * cell j covers source [j·n/m, (j+1)·n/m), and each source cell contributes the share of it that
 * falls inside. Rows of the result sum to 1.
 */
function areaWeights(n: number, m: number): { start: number; weights: number[] }[] {
  const step = n / m;
  const out: { start: number; weights: number[] }[] = [];
  for (let j = 0; j < m; j++) {
    const lo = j * step;
    const hi = (j + 1) * step;
    const start = Math.floor(lo);
    const weights: number[] = [];
    for (let i = start; i < Math.min(n, Math.ceil(hi - 1e-9)); i++) {
      weights.push((Math.min(hi, i + 1) - Math.max(lo, i)) / step);
    }
    out.push({ start, weights });
  }
  return out;
}

/** The `box` of `image` resampled by area averaging to `outHeight`×`outWidth` (anti-aliased). */
export function resizeArea(image: InkImage, box: Box, outHeight: number, outWidth: number): Float32Array {
  const h = box.bottom - box.top;
  const w = box.right - box.left;
  const rowsW = areaWeights(h, outHeight);
  const colsW = areaWeights(w, outWidth);
  // Separable: columns first (h × outWidth), then rows.
  const tmp = new Float64Array(h * outWidth);
  for (let r = 0; r < h; r++) {
    const base = (box.top + r) * image.width + box.left;
    for (let j = 0; j < outWidth; j++) {
      const { start, weights } = colsW[j]!;
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k]! * image.data[base + start + k]!;
      tmp[r * outWidth + j] = s;
    }
  }
  const out = new Float32Array(outHeight * outWidth);
  for (let i = 0; i < outHeight; i++) {
    const { start, weights } = rowsW[i]!;
    for (let j = 0; j < outWidth; j++) {
      let s = 0;
      for (let k = 0; k < weights.length; k++) s += weights[k]! * tmp[(start + k) * outWidth + j]!;
      out[i * outWidth + j] = s;
    }
  }
  return out;
}

/** Options of {@link mnistStyle}. */
export interface MnistStyleOptions {
  /** Pixels at or below this count as background when finding the bounding box (default 0). */
  readonly threshold?: number;
}

/**
 * A drawing → 28×28 values in [0, 1] (row-major, 1 = full ink), MNIST style: bounding box
 * scaled to fit 20×20 (aspect ratio kept, area-averaged grey levels), then shifted by whole
 * pixels so that its centre of mass is as close as possible to {@link MNIST_CENTRE} while
 * staying inside the field; finally scaled so that the darkest pixel is 1, as in MNIST
 * where nearly every digit reaches 255. Returns null for a blank drawing.
 */
export function mnistStyle(image: InkImage, options: MnistStyleOptions = {}): Float32Array | null {
  checkImage(image, "mnistStyle");
  const box = inkBox(image, options.threshold ?? 0);
  if (!box) return null;
  const h = box.bottom - box.top;
  const w = box.right - box.left;
  const scale = MNIST_BOX / Math.max(h, w);
  const outH = Math.max(1, Math.min(MNIST_BOX, Math.round(h * scale)));
  const outW = Math.max(1, Math.min(MNIST_BOX, Math.round(w * scale)));
  const small = resizeArea(image, box, outH, outW);
  const com = centreOfMass({ width: outW, height: outH, data: small })!;
  const centre = MNIST_CENTRE;
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, v));
  const top = clamp(Math.round(centre - com.row), MNIST_SIDE - outH);
  const left = clamp(Math.round(centre - com.col), MNIST_SIDE - outW);
  let max = 0;
  for (const v of small) if (v > max) max = v;
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) out[(top + r) * MNIST_SIDE + left + c] = small[r * outW + c]! / max;
  }
  return out;
}

/**
 * A 28×28 image drawn large: each pixel becomes a `scale`×`scale` block at (`top`, `left`) of a
 * `size`×`size` canvas. Used to put an MNIST digit onto the pad and in tests.
 */
export function enlarge(pixels: ArrayLike<number>, scale: number, size: number, top = 0, left = 0): InkImage {
  if (pixels.length !== MNIST_SIDE * MNIST_SIDE)
    throw new Error(`enlarge: expected ${MNIST_SIDE * MNIST_SIDE} pixels, got ${pixels.length}`);
  if (top < 0 || left < 0 || top + MNIST_SIDE * scale > size || left + MNIST_SIDE * scale > size) {
    throw new Error(`enlarge: a ${MNIST_SIDE * scale}-pixel image at (${top}, ${left}) does not fit a ${size}×${size} canvas`);
  }
  const data = new Float32Array(size * size);
  for (let r = 0; r < MNIST_SIDE * scale; r++) {
    for (let c = 0; c < MNIST_SIDE * scale; c++) {
      data[(top + r) * size + left + c] = pixels[Math.floor(r / scale) * MNIST_SIDE + Math.floor(c / scale)]!;
    }
  }
  return { width: size, height: size, data };
}
