// A small labelled set of random 28×28 images (labels 0..9 in turn), for saving demo models in tests.
import * as tf from "@tensorflow/tfjs";
import { makeDataset, type Dataset } from "../../src/data/dataset";

export function randomTestSet(n: number, seed: number): Dataset {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
  const xs = tf.randomUniform([n, 28, 28, 1], 0, 1, "float32", seed) as tf.Tensor4D;
  const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 10).toFloat() as tf.Tensor2D);
  return makeDataset(xs, ys, labels);
}
