/**
 * Saving the lesson's CNN for the exported page's drawing pad: the model as `saveModel` writes
 * it, plus a demo manifest (see ./manifest) and a slot in the notebook's output that ties the
 * page to exactly this model.
 */
import * as tf from "@tensorflow/tfjs";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../data/paths";
import type { Evaluation, LabeledImages } from "../eval/evaluate";
import { mostConfidentMistakes } from "../eval/mistakes";
import { saveModel, type SavedModelFiles, type SaveModelOptions } from "../io/model-files";
import { showHtml } from "../display/output";
import { liveWidgetHtml } from "./live";
import { DEMO_FORMAT, DEMO_MANIFEST, demoId, demoPayload, demoSlotHtml, type DemoManifest } from "./manifest";
import type { DemoExample } from "./payload";

/** Options of {@link saveDemoModel}. */
export interface SaveDemoModelOptions extends SaveModelOptions {
  /** The lesson's test set (images 28×28×1 in [0, 1]) … */
  readonly test: LabeledImages;
  /** … and the model's evaluation on it (`evaluate(model, test)`). */
  readonly evaluation: Evaluation;
  /** How many of the most confident mistakes the pad offers (default 2). */
  readonly mistakes?: number;
}

/** What {@link saveDemoModel} wrote. */
export interface SavedDemoModel extends SavedModelFiles {
  readonly manifest: string;
  readonly id: string;
}

/** One correctly classified digit of each class (the first in the set), then the surest mistakes. */
function pickExamples(
  test: LabeledImages,
  evaluation: Evaluation,
  mistakes: number,
): { index: number; predicted: number; confidence: number }[] {
  const picked: { index: number; predicted: number; confidence: number }[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const i = test.labels.findIndex((label, k) => label === digit && evaluation.predictions[k] === digit);
    if (i >= 0) picked.push({ index: i, predicted: digit, confidence: evaluation.confidences[i]! });
  }
  for (const m of mostConfidentMistakes(test.labels, evaluation.predictions, evaluation.confidences, mistakes)) {
    picked.push({ index: m.index, predicted: m.predicted, confidence: m.confidence });
  }
  return picked;
}

/**
 * Saves `model` to `dir` like {@link saveModel} and writes `dir/demo.json`: the demo's id (a
 * hash of the model files and the manifest's other facts), metadata, test accuracy and a few test digits (one correct per class and the `mistakes` the
 * model was surest of, as in the lesson's gallery). Shows a slot in the cell's output where the
 * exported page puts a drawing pad running this model.
 */
export async function saveDemoModel(model: tf.LayersModel, dir: string, options: SaveDemoModelOptions): Promise<SavedDemoModel> {
  const { test, evaluation } = options;
  const shape = model.inputs[0]?.shape;
  if (JSON.stringify(shape) !== JSON.stringify([null, 28, 28, 1])) {
    throw new Error(`saveDemoModel: the pad feeds 28×28×1 images, the model takes ${JSON.stringify(shape)}`);
  }
  if (!test || !evaluation || test.labels.length !== evaluation.predictions.length) {
    throw new Error("saveDemoModel: pass the test set and the model's evaluation on it ({ test, evaluation }), of the same length");
  }
  const mistakes = options.mistakes ?? 2;
  if (!(Number.isInteger(mistakes) && mistakes >= 0))
    throw new Error(`saveDemoModel: mistakes must be a non-negative integer, got ${mistakes}`);

  const saved = await saveModel(model, dir, options.metadata ? { metadata: options.metadata } : {});
  const picked = pickExamples(test, evaluation, mistakes);
  const pixels = tf.tidy(() => {
    const images = tf.gather(
      test.xs as tf.Tensor4D,
      picked.map((p) => p.index),
    );
    return images.mul(255).round().clipByValue(0, 255).dataSync();
  });
  const examples: DemoExample[] = picked.map((p, k) => ({
    ...p,
    label: test.labels[p.index]!,
    pixels: Buffer.from(Uint8Array.from(pixels.subarray(k * 784, (k + 1) * 784))).toString("base64"),
  }));
  const facts: Omit<DemoManifest, "id"> = {
    format: DEMO_FORMAT,
    savedAt: new Date().toISOString(),
    metadata: JSON.parse(JSON.stringify(options.metadata ?? {})),
    test: { accuracy: evaluation.accuracy, size: evaluation.size },
    examples,
  };
  const id = demoId(dir, facts);
  // The id goes second; the other fields keep the order demoId hashed them in (readDemoManifest does the same).
  const { format, ...rest } = facts;
  const manifest: DemoManifest = { format, id, ...rest };
  const file = path.join(dir, DEMO_MANIFEST);
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify(manifest, null, 1));
  await fs.rename(tmp, file);

  const fromRoot = path.relative(projectRoot(), file);
  const where = fromRoot.startsWith("..") ? file : fromRoot;
  showHtml(
    demoSlotHtml(where.split(path.sep).join("/"), id, "Draw a digit: this model runs here, in your browser.") +
      liveWidgetHtml(demoPayload(dir, manifest)),
    `demo manifest ${where} (model ${id.slice(0, 12)}…)`,
  );
  return { ...saved, manifest: file, id };
}
