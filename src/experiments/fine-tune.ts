/**
 * Fine-tuning a transferred model (lesson 10, `npm run train -- --transfer-from … --fine-tune`):
 * after a new head has trained on a frozen base, every layer trains again at a small learning
 * rate. The result is kept only if it beats the head on validation, never judged on the test set.
 */
import * as tf from "@tensorflow/tfjs";
import { fit, type FitData, type FitOptions } from "../train/fit";
import type { History } from "../train/history";

/** A run's best validation accuracy: the restored epoch's under early stopping, else the last epoch's. */
export function bestValidationAccuracy(history: History): number {
  const at = history.bestEpoch ?? history.valAcc.length - 1;
  const acc = history.valAcc[at];
  if (acc === undefined) throw new Error("bestValidationAccuracy: the run has no validation accuracy (fit without validation data?)");
  return acc;
}

/**
 * Makes every layer of `model` trainable and trains it with `options`. Kept when its best
 * validation accuracy beats `head`'s (the run that trained the new head); otherwise the model goes
 * back to the head's weights with the layers frozen as they were.
 */
export async function fineTune(
  model: tf.LayersModel,
  data: FitData,
  options: FitOptions,
  head: History,
): Promise<{ tuned: History; kept: boolean }> {
  const headAcc = bestValidationAccuracy(head); // before any work: a head without validation cannot be compared
  const trainable = model.layers.map((l) => l.trainable);
  const headWeights = model.getWeights().map((w) => w.clone());
  try {
    for (const layer of model.layers) layer.trainable = true;
    const tuned = await fit(model, data, options);
    const kept = bestValidationAccuracy(tuned) > headAcc;
    if (!kept) {
      // Frozen again first: getWeights lists the trainable weights first, so the order must match.
      model.layers.forEach((l, i) => (l.trainable = trainable[i]!));
      model.setWeights(headWeights);
    }
    return { tuned, kept };
  } finally {
    tf.dispose(headWeights);
  }
}
