// The command line of `npm run train`: its flags, its help text and the parser that turns them
// into the run's settings (src/experiments/train-run.ts), checking every value before any work.
import type { BackendName } from "../../src/backend/select";
import { DATASET_NAMES, idxDataset, type DatasetName } from "../../src/data/datasets";
import { trainDefaults, type TrainSettings } from "../../src/experiments/train-run";
import { INITIALIZER_NAMES, parseInitializerName } from "../../src/models/common";
import { MODEL_NAMES, parseModelName, type ModelName, type ModelOptionsByName } from "../../src/models/registry";
import { OPTIMIZER_NAMES, parseOptimizerName } from "../../src/train/optimizer";
import { integerFlag, parseFlags, positiveFlag, RUN_FLAGS, runSettings } from "./common";

/** The parsed command line: the run's settings, the backend and where the result line goes. */
export interface TrainArgs extends TrainSettings {
  readonly backend: BackendName | "auto";
  /** Where to append the result line (default results/results.jsonl). */
  readonly results: string | undefined;
}

export const HELP = `Train a lesson model on MNIST or Fashion-MNIST, evaluate it on the test split, save it, log the result.

Usage: npm run train -- --model <name> [options]
       npm run train -- --transfer-from <model dir> --dataset <name> --per-class <n> [--fine-tune] [options]

Required (one of):
  --model <name>       one of ${MODEL_NAMES.join(", ")}
  --transfer-from <dir>  a saved model folder (e.g. results/models/cnn-full): its convolutional
                       base, weights copied and frozen, under a new head (dense 128, dense 10), as
                       in lesson 10; needs --per-class and --dataset, takes no --model

Options (the defaults of --epochs, --batch-size, --lr, --optimizer, --lr-decay and --seed are
the model's training recipe for the profile, src/experiments/recipes.ts, which lesson 6 uses too):
  --dataset <name>     ${DATASET_NAMES.join(" or ")} (default mnist), from data/<name>
  --epochs <n>         passes over the training set
  --batch-size <n>     mini-batch size
  --lr <x>             learning rate
  --optimizer <name>   one of ${OPTIMIZER_NAMES.join(", ")}
  --lr-decay <x>       multiply the learning rate by x after each epoch (1: constant)
  --patience <n>       stop when val_loss has not improved for n epochs, keep the best weights
  --profile <p>        fast (6,000 training images) or full (55,000); default $LESSON_PROFILE or fast
  --seed <n>           seed of the initial weights and the batch order
  --backend <name>     auto, tensorflow, wasm or cpu (default $TSDL_BACKEND or auto)
  --augment            augment the training batches (shifts, rotations, zoom: DEFAULT_DIGIT_AUGMENT)
  --name <name>        the result's model name (default the model's), e.g. ladder-mlp-5x512
  --out <dir>          where to save the model (default results/models/<name>-<profile>,
                       or <dataset>-<name>-<profile> for a data set other than mnist)
  --overwrite          replace a model already saved there (without it, train refuses to start);
                       a folder that is not a saved model, or a symbolic link, is never replaced
  --resume             continue an interrupted run of this command from its checkpoint
                       (runs on the whole training split; --per-class runs keep none)
  --results <file>     where to append the result line (default results/results.jsonl)
  --help               show this text

Few labels (lesson 10's transfer-learning experiment; src/experiments/slice-recipe.ts):
  --per-class <n>      train on n images of each class of the training split, drawn with --seed;
                       needs --dataset. Its defaults replace the recipe's: up to 20 epochs (n ≤ 10)
                       or 6, batch n between 10 and 100, Adam lr 0.001 constant, early stopping on
                       validation accuracy with --patience 3 keeping the best epoch; validation is
                       20 images per class in the fast profile, the whole split in the full
  --fine-tune          with --transfer-from: after training the head, train every layer at a tenth
                       of --lr (same epochs and patience); kept only if it raises the validation
                       accuracy, else the head's weights are saved

Model options (the ladder of lessons 7 and 8; the model's defaults when left out):
  --hidden <n,n,…>     mlp: widths of the hidden layers (depth = how many)
  --init <name>        mlp: kernel initializer, one of ${INITIALIZER_NAMES.join(", ")}
  --dropout <x>        mlp, deep-cnn: dropout rate in [0, 1)
  --batch-norm         mlp: batch normalisation in every hidden layer
  --filters <n,n,…>    cnn: filters of the convolution blocks
  --dense-units <n>    cnn: units of the dense layer
  --kernel-size <n>    cnn: side of the square convolution filters (default 3)
  --conv-dropout <x>   cnn: dropout rate after the convolution blocks (default 0.25)

Each run appends one JSON line to results/results.jsonl, with the model options and the
prediction for every test image (one digit each), so that two logged runs can be compared image
by image.

After every epoch, the run's state (weights, optimizer, epoch, history, random streams) is saved
in <out>.checkpoint/, which is removed once the result is logged. If the run is interrupted, run
the same command with --resume: it goes on from the last finished epoch and ends with the same
model and numbers as a run never stopped (on the same backend). Without --resume, train refuses
to start while a checkpoint is there.`;

const OPTIONS = {
  ...RUN_FLAGS,
  dataset: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  lr: { type: "string" },
  optimizer: { type: "string" },
  "lr-decay": { type: "string" },
  patience: { type: "string" },
  augment: { type: "boolean" },
  name: { type: "string" },
  hidden: { type: "string" },
  init: { type: "string" },
  dropout: { type: "string" },
  "batch-norm": { type: "boolean" },
  filters: { type: "string" },
  "dense-units": { type: "string" },
  "kernel-size": { type: "string" },
  "conv-dropout": { type: "string" },
  overwrite: { type: "boolean" },
  resume: { type: "boolean" },
  results: { type: "string" },
  "per-class": { type: "string" },
  "transfer-from": { type: "string" },
  "fine-tune": { type: "boolean" },
} as const;

/** Which model flags each model takes (the builder option each sets is in {@link modelOptionsFromFlags}). */
const MODEL_FLAGS: { readonly [N in ModelName]: readonly string[] } = {
  softmax: [],
  mlp: ["hidden", "init", "dropout", "batch-norm"],
  cnn: ["filters", "dense-units", "kernel-size", "conv-dropout"],
  "deep-cnn": ["dropout"],
};

/** `--<flag> 512,512,512` as a list of integers ≥ 1. */
function listFlag(flag: string, value: string): number[] {
  return value.split(",").map((part) => integerFlag(flag, part, 1));
}

/** `--<flag> 0.3` as a dropout rate in [0, 1). */
function rateFlag(flag: string, value: string): number {
  const rate = Number(value);
  if (value.trim() === "" || !(rate >= 0 && rate < 1)) throw new Error(`--${flag} must be a number in [0, 1), got "${value}"`);
  return rate;
}

/** The builder options the model flags ask for; a flag the model does not take throws, naming the ones it does. */
function modelOptionsFromFlags(
  model: ModelName | "transfer",
  values: ReturnType<typeof parseFlags<typeof OPTIONS>>,
): ModelOptionsByName[ModelName] {
  const modelFlags = new Set(Object.values(MODEL_FLAGS).flat());
  const takesFlags = model === "transfer" ? [] : MODEL_FLAGS[model];
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined || !modelFlags.has(flag) || takesFlags.includes(flag)) continue;
    if (model === "transfer") throw new Error(`--${flag} does not apply to --transfer-from (the saved model's base is copied as it is)`);
    const takes = takesFlags.length === 0 ? "no model flags" : takesFlags.map((f) => `--${f}`).join(", ");
    throw new Error(`--${flag} does not apply to ${model} (it takes ${takes})`);
  }
  const options: Record<string, unknown> = {};
  if (values.hidden !== undefined) options.hidden = listFlag("hidden", values.hidden);
  if (values.init !== undefined) options.init = parseInitializerName(values.init);
  if (values.dropout !== undefined) options.dropout = rateFlag("dropout", values.dropout);
  if (values["batch-norm"] !== undefined) options.batchNorm = values["batch-norm"];
  if (values.filters !== undefined) options.filters = listFlag("filters", values.filters);
  if (values["dense-units"] !== undefined) options.denseUnits = integerFlag("dense-units", values["dense-units"], 1);
  if (values["kernel-size"] !== undefined) options.kernelSize = integerFlag("kernel-size", values["kernel-size"], 1);
  if (values["conv-dropout"] !== undefined) options.convDropout = rateFlag("conv-dropout", values["conv-dropout"]);
  return options;
}

/**
 * Parses the command line (without `node script`). Returns `"help"` for --help; throws on an
 * unknown flag, a missing --model or a bad value, naming it. Training settings not given default
 * to the model's recipe for the profile ({@link trainingRecipe}).
 */
export function parseTrainArgs(argv: readonly string[]): TrainArgs | "help" {
  const values = parseFlags(argv, OPTIONS);
  if (values.help) return "help";
  const transferFrom = values["transfer-from"];
  if (transferFrom !== undefined) {
    if (values.model !== undefined)
      throw new Error("--model does not apply to --transfer-from: the saved model's base and a new head are the model");
    if (transferFrom.trim() === "") throw new Error("--transfer-from must name a saved model folder, got an empty path");
    if (values["per-class"] === undefined) {
      throw new Error("--transfer-from trains on a labelled slice: give --per-class <n> (lesson 10's full profile uses 10, 100 and 1000)");
    }
  } else if (values.model === undefined) {
    throw new Error(`--model is required: one of ${MODEL_NAMES.join(", ")} (or --transfer-from <model dir>)`);
  }
  if (values["fine-tune"] && transferFrom === undefined)
    throw new Error("--fine-tune needs --transfer-from: it fine-tunes a transferred base");
  if (values["per-class"] !== undefined && values.dataset === undefined) {
    throw new Error("--per-class slices a data set's training split: name it with --dataset (mnist or fashion-mnist)");
  }
  if (values.resume && values["per-class"] !== undefined) {
    throw new Error("--resume does not apply to --per-class: a slice's run takes minutes and keeps no checkpoint");
  }
  const model = transferFrom !== undefined ? "transfer" : parseModelName(values.model!);
  const { profile, backend } = runSettings(values);
  if (values.name !== undefined && !/^[\w.-]+$/.test(values.name))
    throw new Error(`--name must be letters, digits, ".", "_" or "-", got "${values.name}"`);
  const modelOptions = modelOptionsFromFlags(model, values);
  const perClass = values["per-class"] === undefined ? undefined : integerFlag("per-class", values["per-class"], 1);
  // Flags given explicitly win; the rest comes from the recipe lesson 6 trains with, or for a
  // slice from the one lesson 10 trains with.
  const recipe = trainDefaults(model, profile, perClass, values.seed === undefined ? undefined : integerFlag("seed", values.seed, 0));
  return {
    model,
    dataset: values.dataset === undefined ? "mnist" : (idxDataset(values.dataset).name as DatasetName),
    epochs: values.epochs === undefined ? recipe.epochs : integerFlag("epochs", values.epochs, 1),
    batchSize: values["batch-size"] === undefined ? recipe.batchSize : integerFlag("batch-size", values["batch-size"], 1),
    lr: values.lr === undefined ? recipe.lr : positiveFlag("lr", values.lr),
    optimizer: values.optimizer === undefined ? recipe.optimizer : parseOptimizerName(values.optimizer),
    lrDecay: values["lr-decay"] === undefined ? recipe.lrDecay : positiveFlag("lr-decay", values["lr-decay"], 1),
    patience: values.patience === undefined ? recipe.patience : integerFlag("patience", values.patience, 1),
    profile,
    seed: recipe.seed,
    backend,
    out: values.out,
    name: values.name,
    modelOptions,
    augment: values.augment ?? false,
    overwrite: values.overwrite ?? false,
    resume: values.resume ?? false,
    results: values.results,
    perClass,
    transferFrom,
    fineTune: values["fine-tune"] ?? false,
  };
}
