/**
 * Ensembles of models that were trained separately and saved — by `npm run train`, by
 * `npm run ensemble`, in a notebook — possibly of different architectures. Mixing
 * architectures is the cheap way to members whose mistakes overlap less than those of one
 * network trained with different seeds.
 */
import type * as tf from "@tensorflow/tfjs";
import type { MemberProbabilities } from "./combine";
import { memberProbabilities } from "./report";
import { loadModel, loadModelMetadata } from "../io/model-files";

/** One saved model's answers on a test set. */
export interface SavedMemberOutputs {
  /** The folder it was loaded from. */
  readonly dir: string;
  /** Its class probabilities on the test images. */
  readonly outputs: MemberProbabilities;
  /** The metadata saved with it (what `npm run train` or `trainMembers` recorded), or `{}`. */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * Loads each saved model in `dirs` in turn, computes its class probabilities on `xs` and frees
 * it before loading the next, so only one model is in memory at a time. Leaves
 * `tf.memory().numTensors` as it found it. A folder that cannot be loaded, or a model whose
 * output is not one probability row per image, gives an error naming the folder.
 */
export async function savedModelOutputs(dirs: readonly string[], xs: tf.Tensor4D): Promise<SavedMemberOutputs[]> {
  if (dirs.length === 0) throw new Error("savedModelOutputs: give at least one model folder");
  const out: SavedMemberOutputs[] = [];
  for (const dir of dirs) {
    let model: tf.LayersModel;
    try {
      model = await loadModel(dir);
    } catch (err) {
      throw new Error(`Cannot load the model in ${dir}: ${(err as Error).message}`);
    }
    try {
      const inputShape = model.inputs[0]!.shape.slice(1).join("×");
      const want = xs.shape.slice(1).join("×");
      if (inputShape !== want) throw new Error(`the model in ${dir} takes ${inputShape} images, the test images are ${want}`);
      out.push({ dir, outputs: memberProbabilities(model, xs), metadata: await loadModelMetadata(dir) });
    } finally {
      model.dispose();
    }
  }
  const classes = new Set(out.map((o) => o.outputs.numClasses));
  if (classes.size > 1)
    throw new Error(`The models disagree on the number of classes: ${out.map((o) => `${o.dir}: ${o.outputs.numClasses}`).join(", ")}`);
  return out;
}
