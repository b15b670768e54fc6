/**
 * A training worker (a Node worker thread): holds a copy of the model on its own single-threaded
 * backend and computes the gradients of its share of each batch. `fit` sends it the weights
 * before every step and applies the summed gradients itself, so the workers never drift apart.
 */
import * as tf from "@tensorflow/tfjs";
import { parentPort } from "node:worker_threads";
import { selectBackend } from "../../backend/select";
import { correctCount, crossEntropy } from "../../eval/loss";
import { type SeededDropout, seededDropouts } from "../../models/seeded-dropout";
import { copyInto, flatLayout, tensorFrom } from "./flat";
import type { FromWorker, InitMessage, StepMessage, ToWorker } from "./protocol";

const port = parentPort;
if (port === null) throw new Error("src/train/parallel/worker.js is a worker thread's entry point, not a module to import");

let model: tf.LayersModel | undefined;
let variables: tf.Variable[] = [];
let dropouts: SeededDropout[] = [];
let shared: { weights: Float32Array; grads: Float32Array; offsets: number[] } | undefined;

function send(message: FromWorker): void {
  port!.postMessage(message);
}

async function init(message: InitMessage): Promise<void> {
  // tfjs's warnings (e.g. the cpu backend's "install tfjs-node" banner) were the main thread's
  // to print; each worker repeating them is noise.
  tf.env().set("PROD", true);
  // One thread each: the workers are the parallelism, and XNNPACK's threads would compete with them.
  const info = await selectBackend(message.backend, { wasmThreads: 1 });
  model = await tf.models.modelFromJSON({ modelTopology: message.topology as tf.io.ModelJSON["modelTopology"] });
  const weights = model.weights;
  if (weights.length !== message.weights.length) {
    throw new Error(`the rebuilt model has ${weights.length} weights, the original ${message.weights.length}`);
  }
  tf.tidy(() => model!.setWeights(weights.map((w, i) => tf.tensor(message.weights[i]!, w.shape as number[]))));
  variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { offsets, total } = flatLayout(variables.map((v) => v.size));
  if (total !== message.sharedWeights.length || total !== message.sharedGrads.length) {
    throw new Error(`the rebuilt model has ${total} trainable values, the shared memory ${message.sharedWeights.length}`);
  }
  shared = { weights: message.sharedWeights, grads: message.sharedGrads, offsets };
  dropouts = seededDropouts(model);
  send({ type: "ready", summary: info.summary });
}

function step(message: StepMessage): void {
  const m = model!;
  const { weights, grads: sharedGrads, offsets } = shared!;
  variables.forEach((v, i) => {
    const value = tensorFrom(weights, offsets[i]!, v.shape);
    v.assign(value);
    value.dispose();
  });
  dropouts.forEach((d, i) => {
    d.batchRows = { start: message.start, total: message.total };
    d.trainingCalls = message.dropoutCalls[i]!;
  });
  const x = tf.tensor(message.x, [...message.xShape]);
  const y = tf.tensor2d(message.y, [message.xShape[0]!, message.classes]);
  let correct: tf.Scalar | undefined;
  let lossSum: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const p = m.apply(x, { training: true }) as tf.Tensor2D;
    correct = tf.keep(correctCount(y, p));
    const sum = tf.keep(tf.sum(crossEntropy(y, p)) as tf.Scalar);
    lossSum = sum;
    return tf.div(sum, message.total) as tf.Scalar;
  }, variables);
  variables.forEach((v, i) => copyInto(grads[v.name]!, sharedGrads, offsets[i]!));
  const sum = lossSum!.dataSync()[0]!;
  const right = correct!.dataSync()[0]!;
  tf.dispose([x, y, value, correct!, lossSum!, ...Object.values(grads)]);
  send({ type: "result", lossSum: sum, correct: right });
}

// Messages are handled one at a time, in order: init is awaited before the next one starts.
let queue: Promise<void> = Promise.resolve();
port.on("message", (message: ToWorker) => {
  queue = queue
    .then(() => (message.type === "init" ? init(message) : step(message)))
    .catch((err: unknown) => send({ type: "error", message: err instanceof Error ? err.message : String(err) }));
});
