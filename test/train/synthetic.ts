/**
 * A small, learnable stand-in for MNIST used by the training, evaluation and io tests: each
 * 28×28 image is dim noise with one bright 5×5 square, and the class (0–9) is where the square
 * sits (2 rows × 5 columns of positions, jittered by up to one pixel). Seeded, so every run
 * sees the same images.
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "../../src/data/batches";
import { makeDataset, type Dataset } from "../../src/data/dataset";

const SIDE = 28;
const SQUARE = 5;

/** Top-left corner of class `c`'s square before jitter. */
function corner(c: number): [number, number] {
  const row = c < 5 ? 3 : 16;
  const col = 1 + (c % 5) * 5;
  return [row, col];
}

/** `n` synthetic images with labels cycling 0..9 (so every class appears), as a Dataset. */
export function squaresDataset(n: number, seed: number): Dataset {
  const random = mulberry32(seed);
  const pixels = new Float32Array(n * SIDE * SIDE);
  const labels = new Int32Array(n);
  const oneHot = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = label;
    oneHot[i * 10 + label] = 1;
    const base = i * SIDE * SIDE;
    for (let p = 0; p < SIDE * SIDE; p++) pixels[base + p] = random() * 0.3;
    const [r0, c0] = corner(label);
    const r = r0 + Math.floor(random() * 3) - 1;
    const c = c0 + Math.floor(random() * 3) - 1;
    for (let dr = 0; dr < SQUARE; dr++) {
      for (let dc = 0; dc < SQUARE; dc++) pixels[base + (r + dr) * SIDE + (c + dc)] = 0.8 + random() * 0.2;
    }
  }
  return makeDataset(tf.tensor4d(pixels, [n, SIDE, SIDE, 1]), tf.tensor2d(oneHot, [n, 10]), labels);
}
