// `npm run train -- --model cnn [--profile full] [...]`: trains one of the lesson models on MNIST with
// the library's own code (the same fit/evaluate/saveModel the notebooks use), shows progress on
// the terminal, evaluates on the test split, saves the model and appends one JSON line to
// results/results.jsonl (the README's results table is generated from it: `npm run results`).
// With --per-class it trains on a labelled slice, and with --transfer-from on a saved model's
// frozen convolutional base, as lesson 10 does (src/experiments/slice-recipe.ts, src/models/transfer.ts).
import * as tf from "@tensorflow/tfjs";
import * as path from "node:path";
import { backendReport, selectBackend, type BackendName } from "../../src/backend/select";
import { DATASET_NAMES, idxDataset, type DatasetName } from "../../src/data/datasets";
import { loadIdxDataset, type DatasetSplits } from "../../src/data/idx-dataset";
import { projectRoot } from "../../src/data/paths";
import { canonicalJson } from "../../src/ensemble/member-recipe";
import { evaluate } from "../../src/eval/evaluate";
import { lockFolder } from "../../src/io/folder-lock";
import { replaceableFolder } from "../../src/io/folders";
import { loadModel, loadModelMetadata, MODEL_FOLDER, modelFolderState, saveModel } from "../../src/io/model-files";
import { INITIALIZER_NAMES, parseInitializerName } from "../../src/models/common";
import { buildModel, MODEL_NAMES, parseModelName, type ModelName, type ModelOptionsByName } from "../../src/models/registry";
import { modelSummary, summaryText } from "../../src/models/summary";
import { transferModel } from "../../src/models/transfer";
import { encodePredictions, resultLine, type ModelOptionFields, type TransferFields } from "../../src/results/log";
import type { LessonProfile } from "../../src/profile";
import { CHECKPOINT_FOLDER, checkpointDir, loadCheckpoint, readCheckpointInfo, removeCheckpoint, saveCheckpoint } from "../../src/train/checkpoint";
import { bestValidationAccuracy, fineTune } from "../../src/experiments/fine-tune";
import { fit, type FitOptions } from "../../src/train/fit";
import type { TrainingState } from "../../src/train/training-state";
import { OPTIMIZER_NAMES, parseOptimizerName, type OptimizerName } from "../../src/train/optimizer";
import { recipeFitOptions, trainingRecipe } from "../../src/experiments/recipes";
import { FINE_TUNE_LR_FACTOR, labelledSlice, sliceFitOptions, sliceRecipe, type SliceRecipe } from "../../src/experiments/slice-recipe";
import {
  integerFlag,
  machineFields,
  npmCommandLine,
  parseFlags,
  positiveFlag,
  runCommand,
  RUN_FLAGS,
  checkedResultsFile,
  logResult,
  runSettings,
  shownPath,
  splitSizesLine,
} from "./common";

/** The parsed command line. */
export interface TrainArgs {
  /** The model to build, or "transfer" (with --transfer-from: the saved model's base and a new head). */
  readonly model: ModelName | "transfer";
  /** The data set trained and tested on (default mnist). */
  readonly dataset: DatasetName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly optimizer: OptimizerName;
  /** Exponential learning-rate decay per epoch (1 = constant). */
  readonly lrDecay: number;
  /**
   * Early stopping after this many epochs without improvement (undefined: off), keeping the best
   * weights: on val_loss, or on val_acc with --per-class (the slice recipe's, default 3).
   */
  readonly patience: number | undefined;
  readonly profile: LessonProfile;
  readonly seed: number;
  readonly backend: BackendName | "auto";
  /** Model directory; default results/models/<name>-<profile> (MNIST), <dataset>-<name>-<profile> otherwise. */
  readonly out: string | undefined;
  /** The result's model name (default: the model's). */
  readonly name: string | undefined;
  /** Builder options from the model flags (--hidden, --init, …), without the seed; `{}` when none given. */
  readonly modelOptions: ModelOptionsByName[ModelName];
  /** Augment the training batches with DEFAULT_DIGIT_AUGMENT. */
  readonly augment: boolean;
  /** Replace a model already saved in the output folder. */
  readonly overwrite: boolean;
  /** Continue from the checkpoint an interrupted run of the same command left. */
  readonly resume: boolean;
  /** Where to append the result line (default results/results.jsonl). */
  readonly results: string | undefined;
  /** Train on this many images per class of the training split (seeded with --seed); undefined: all of it. */
  readonly perClass: number | undefined;
  /** A saved model folder whose convolutional base is copied, frozen, under a new head (needs perClass). */
  readonly transferFrom: string | undefined;
  /** After the head, fine-tune every layer at a tenth of the learning rate; kept only if validation accuracy rises. */
  readonly fineTune: boolean;
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
function modelOptionsFromFlags(model: ModelName | "transfer", values: ReturnType<typeof parseFlags<typeof OPTIONS>>): ModelOptionsByName[ModelName] {
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
    if (values.model !== undefined) throw new Error("--model does not apply to --transfer-from: the saved model's base and a new head are the model");
    if (transferFrom.trim() === "") throw new Error("--transfer-from must name a saved model folder, got an empty path");
    if (values["per-class"] === undefined) {
      throw new Error("--transfer-from trains on a labelled slice: give --per-class <n> (lesson 10's full profile uses 10, 100 and 1000)");
    }
  } else if (values.model === undefined) {
    throw new Error(`--model is required: one of ${MODEL_NAMES.join(", ")} (or --transfer-from <model dir>)`);
  }
  if (values["fine-tune"] && transferFrom === undefined) throw new Error("--fine-tune needs --transfer-from: it fine-tunes a transferred base");
  if (values["per-class"] !== undefined && values.dataset === undefined) {
    throw new Error("--per-class slices a data set's training split: name it with --dataset (mnist or fashion-mnist)");
  }
  if (values.resume && values["per-class"] !== undefined) {
    throw new Error("--resume does not apply to --per-class: a slice's run takes minutes and keeps no checkpoint");
  }
  const model = transferFrom !== undefined ? "transfer" : parseModelName(values.model!);
  const { profile, backend } = runSettings(values);
  if (values.name !== undefined && !/^[\w.-]+$/.test(values.name)) throw new Error(`--name must be letters, digits, ".", "_" or "-", got "${values.name}"`);
  const modelOptions = modelOptionsFromFlags(model, values);
  const perClass = values["per-class"] === undefined ? undefined : integerFlag("per-class", values["per-class"], 1);
  const seed =
    values.seed !== undefined
      ? integerFlag("seed", values.seed, 0)
      : perClass !== undefined
        ? sliceRecipe(perClass, profile).seed
        : trainingRecipe(model as ModelName, profile).seed;
  // Flags given explicitly win; the rest comes from the recipe lesson 6 trains with, or for a
  // slice from the one lesson 10 trains with.
  const slice = perClass === undefined ? undefined : sliceRecipe(perClass, profile, seed);
  const recipe = slice === undefined ? trainingRecipe(model as ModelName, profile) : { ...slice, lrDecay: 1, optimizer: "adam" as const };
  const patience = values.patience === undefined ? slice?.patience : integerFlag("patience", values.patience, 1);
  return {
    model,
    dataset: values.dataset === undefined ? "mnist" : (idxDataset(values.dataset).name as DatasetName),
    epochs: values.epochs === undefined ? recipe.epochs : integerFlag("epochs", values.epochs, 1),
    batchSize: values["batch-size"] === undefined ? recipe.batchSize : integerFlag("batch-size", values["batch-size"], 1),
    lr: values.lr === undefined ? recipe.lr : positiveFlag("lr", values.lr),
    optimizer: values.optimizer === undefined ? recipe.optimizer : parseOptimizerName(values.optimizer),
    lrDecay: values["lr-decay"] === undefined ? recipe.lrDecay : positiveFlag("lr-decay", values["lr-decay"], 1),
    patience,
    profile,
    seed,
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

/**
 * The result's model name: --name, else the model's, with the slice and the base when there
 * are any, e.g. `cnn-100-per-class`, `transfer-cnn-full-100-per-class-fine-tuned`.
 */
export function runName(args: TrainArgs): string {
  if (args.name !== undefined) return args.name;
  const base = args.transferFrom === undefined ? args.model : `transfer-${path.basename(path.resolve(args.transferFrom))}`;
  const slice = args.perClass === undefined ? "" : `-${args.perClass}-per-class`;
  return `${base}${slice}${args.fineTune ? "-fine-tuned" : ""}`;
}

/**
 * The model folder a run will write, checked before any work: a folder a save may replace
 * (`replaceableFolder`: never the project root or a folder that is not a saved model), and not
 * an earlier model unless `--overwrite` (a quick check must not silently replace an hour of training).
 */
export function checkedOutputFolder(args: TrainArgs, root: string): string {
  const folder = `${args.dataset === "mnist" ? "" : `${args.dataset}-`}${runName(args)}-${args.profile}`;
  const given = args.out ?? path.join("results", "models", folder);
  const state = replaceableFolder(given, MODEL_FOLDER, root);
  const out = path.resolve(root, given);
  if (args.transferFrom !== undefined && out === path.resolve(root, args.transferFrom)) {
    throw new Error(`--out ${shownPath(root, out)} is the --transfer-from folder: the base must not be replaced by its own transfer`);
  }
  if (state === "ours" && !args.overwrite) {
    throw new Error(
      `${shownPath(root, out)} already holds a saved model; pass --overwrite to replace it, or --out another folder`,
    );
  }
  return out;
}

/** What a checkpoint records of the command, and a resumed run must ask for again: all that changes what is trained. */
export function checkpointSettings(args: TrainArgs): Record<string, unknown> {
  const { model, name, dataset, profile, epochs, batchSize, lr, optimizer, lrDecay, patience, seed, modelOptions, augment } = args;
  return { model, name: name ?? null, dataset, profile, epochs, batchSize, lr, optimizer, lrDecay, patience: patience ?? null, seed, modelOptions, augment };
}

/**
 * The checkpoint folder of a run that saves to `out`, checked before any work: with --resume it
 * must hold a checkpoint of these settings (returned with its epochs); without, it must not
 * exist (an interrupted run is never silently discarded).
 */
export function checkedCheckpoint(args: TrainArgs, out: string, root: string): { readonly dir: string; readonly epochs: number | undefined } {
  const dir = checkpointDir(out);
  replaceableFolder(dir, CHECKPOINT_FOLDER);
  const info = readCheckpointInfo(dir);
  if (!args.resume) {
    if (info === undefined) return { dir, epochs: undefined };
    throw new Error(
      `${shownPath(root, dir)} holds the checkpoint of an interrupted run (${info.epochs} epoch${info.epochs === 1 ? "" : "s"} done); ` +
        `pass --resume to continue it, or remove that folder to start over`,
    );
  }
  if (info === undefined) throw new Error(`--resume: there is no checkpoint at ${shownPath(root, dir)} to resume from`);
  const wanted = checkpointSettings(args);
  const keys = [...new Set([...Object.keys(wanted), ...Object.keys(info.settings)])];
  const differ = keys.filter((k) => canonicalJson(info.settings[k]) !== canonicalJson(wanted[k]));
  if (differ.length > 0) {
    const what = differ.map((k) => `${k} ${canonicalJson(info.settings[k])} there, ${canonicalJson(wanted[k])} here`).join("; ");
    throw new Error(
      `--resume: the checkpoint at ${shownPath(root, dir)} comes from a run with other settings (${what}); ` +
        `give the interrupted command's flags with --resume, or remove that folder to start over`,
    );
  }
  return { dir, epochs: info.epochs };
}

/** The --transfer-from folder, checked, and the metadata its model was saved with. */
export interface TransferBase {
  readonly dir: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/**
 * The --transfer-from folder, checked before any work: it must hold a readable model.json, and a
 * base trained on the data set we transfer to would have seen the slice's images already.
 */
export async function checkedTransferFolder(args: TrainArgs, root: string): Promise<TransferBase | undefined> {
  if (args.transferFrom === undefined) return undefined;
  const dir = path.resolve(root, args.transferFrom);
  const shown = `--transfer-from ${shownPath(root, dir)}`;
  let state: ReturnType<typeof modelFolderState>;
  try {
    state = modelFolderState(dir);
  } catch (err) {
    throw new Error(`${shown}: ${(err as Error).message}`);
  }
  if (state === "absent") throw new Error(`${shown}: no such folder (a saved model folder, e.g. results/models/cnn-full)`);
  if (state === "folder") throw new Error(`${shown} holds no model.json: not a saved model folder`);
  let metadata: Record<string, unknown>;
  try {
    metadata = await loadModelMetadata(dir);
  } catch (err) {
    throw new Error(`${shown}: ${(err as Error).message}`);
  }
  if (metadata.dataset === args.dataset) {
    throw new Error(`${shown} was trained on ${args.dataset}'s training images: transfer it to another data set (--dataset)`);
  }
  return { dir, metadata };
}

/** The transferred model: `dir`'s base under a new head, frozen; a base that cannot serve is named. */
async function loadTransferModel(dir: string, root: string, seed: number): Promise<tf.Sequential> {
  const shown = `--transfer-from ${shownPath(root, dir)}`;
  let base: tf.LayersModel;
  try {
    base = await loadModel(dir);
  } catch (err) {
    throw new Error(`${shown}: ${(err as Error).message}`);
  }
  try {
    return transferModel(base, { seed });
  } catch (err) {
    throw new Error(`${shown}: ${(err as Error).message.replace(/^transferModel: /, "")}`);
  } finally {
    base.dispose();
  }
}

/** The labelled slice of --per-class; a class with fewer images than asked for is named before any training. */
function checkedSlice(data: DatasetSplits, recipe: SliceRecipe, args: TrainArgs, title: string) {
  const counts = new Array<number>(data.classNames.length).fill(0);
  for (const y of data.train.labels) counts[y]! += 1;
  const short = counts.findIndex((n) => n < recipe.perClass);
  if (short >= 0) {
    throw new Error(
      `--per-class ${recipe.perClass}: the ${args.profile}-profile ${title} training split has ${counts[short]} images of class ` +
        `${short} (${data.classNames[short]}); at most ${Math.min(...counts)} per class`,
    );
  }
  return labelledSlice(data, recipe);
}

/** The command as a person would type it again (for results.jsonl). */
export function commandLine(argv: readonly string[]): string {
  return npmCommandLine("train", argv);
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseTrainArgs(argv);
  if (args === "help") {
    console.log(HELP);
    return;
  }
  const root = projectRoot();
  // Output paths and the base first: a bad one must not cost the training.
  const out = checkedOutputFolder(args, root);
  const lock = lockFolder(out); // one run per folder; also proves the parent can be written
  if (lock.tookOver) console.log(`Took over ${shownPath(root, lock.file)}: its run (process ${lock.tookOver.pid}) is gone`);
  const checkpoint = checkedCheckpoint(args, out, root);
  const resultsFile = checkedResultsFile(root, args.results);
  const base = await checkedTransferFolder(args, root);
  const backend = await selectBackend(args.backend);
  console.log(backendReport(backend));

  const model =
    base !== undefined
      ? await loadTransferModel(base.dir, root, args.seed)
      : buildModel(args.model as ModelName, { ...args.modelOptions, seed: args.seed });
  const dataset = idxDataset(args.dataset);
  let data: DatasetSplits | undefined;
  let slice: ReturnType<typeof labelledSlice> | undefined;
  const name = runName(args);
  try {
    data = await loadIdxDataset(dataset, { profile: args.profile });
    const recipe: SliceRecipe | undefined =
      args.perClass === undefined
        ? undefined
        : {
            ...sliceRecipe(args.perClass, args.profile, args.seed),
            epochs: args.epochs,
            batchSize: args.batchSize,
            lr: args.lr,
            fineTuneLr: args.lr * FINE_TUNE_LR_FACTOR,
            patience: args.patience!,
          };
    slice = recipe === undefined ? undefined : checkedSlice(data, recipe, args, dataset.title);
    const train = slice ?? { train: data.train, validation: data.validation };
    console.log(splitSizesLine(args.profile, data, dataset.title));
    if (recipe !== undefined) {
      const validation = recipe.validationPerClass === undefined ? "the whole validation split" : `${recipe.validationPerClass} per class`;
      console.log(`Training on ${args.perClass} images per class (${train.train.size.toLocaleString("en-US")}), seed ${args.seed}; validation: ${validation}`);
    }
    const described = base !== undefined ? `${shownPath(root, base.dir)}'s base, frozen, and a new head` : `${args.model} ${JSON.stringify(args.modelOptions)}`;
    console.log(`\nModel ${name} (${described}):\n${summaryText(modelSummary(model))}\n`);

    // Long runs (the whole training split) save their state after every epoch; a slice's run takes minutes.
    const resumeFrom = args.resume ? await loadCheckpoint(checkpoint.dir) : undefined;
    if (resumeFrom) console.log(`Resuming after epoch ${resumeFrom.logs.length} of ${args.epochs}, from ${shownPath(root, checkpoint.dir)}\n`);
    // Training time of the epochs before the interruption (validation included, like fit's own times).
    const secondsBefore = (resumeFrom?.logs ?? []).reduce((sum, log) => sum + log.seconds, 0);
    const settings = checkpointSettings(args);
    // The recipe's options (optimizer, decay, augmentation); a slice's own epochs, batch, early stopping and phase lr.
    const fitOptions = (phase: "train" | "fine-tune"): FitOptions => ({
      ...recipeFitOptions({ ...args, augment: args.augment ? {} : undefined }, args.seed),
      ...(recipe !== undefined
        ? sliceFitOptions(recipe, phase)
        : args.patience !== undefined
          ? { earlyStopping: { patience: args.patience, monitor: "val_loss", restoreBestWeights: true } as const }
          : {}),
    });
    const started = performance.now();
    const first = await fit(model, train, {
      ...fitOptions("train"),
      ...(recipe === undefined ? { onState: (state: TrainingState) => saveCheckpoint(checkpoint.dir, state, settings), ...(resumeFrom ? { resumeFrom } : {}) } : {}),
    });
    let history = first;
    let transfer: TransferFields | undefined;
    if (base !== undefined) {
      const { metadata } = base;
      transfer = {
        from: shownPath(root, base.dir),
        ...(typeof metadata.model === "string" ? { baseModel: metadata.model } : {}),
        ...(typeof metadata.date === "string" ? { baseDate: metadata.date } : {}),
        headEpochs: first.loss.length,
        headValidationAccuracy: bestValidationAccuracy(first),
        fineTuned: false,
      };
      if (args.fineTune) {
        const fineTuneLr = args.lr * FINE_TUNE_LR_FACTOR;
        console.log(`\nFine-tuning every layer at lr ${fineTuneLr}:`);
        const { tuned, kept } = await fineTune(model, train, fitOptions("fine-tune"), first);
        if (kept) history = tuned;
        console.log(
          `Fine-tuning ${kept ? "kept" : "not kept (the head's weights are saved)"}: validation accuracy ` +
            `${(100 * bestValidationAccuracy(tuned)).toFixed(2)} % against the head's ${(100 * bestValidationAccuracy(first)).toFixed(2)} %`,
        );
        transfer = { ...transfer, fineTuned: kept, fineTuneEpochs: tuned.loss.length, fineTuneValidationAccuracy: bestValidationAccuracy(tuned), fineTuneLr };
      }
    }
    const seconds = secondsBefore + (performance.now() - started) / 1000;

    const evalStarted = performance.now();
    const test = evaluate(model, data.test, { batchSize: 500 });
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    console.log(
      `\nTest accuracy ${(100 * test.accuracy).toFixed(2)} % (loss ${test.loss.toFixed(4)}) on ` +
        `${test.size.toLocaleString("en-US")} images · training ${seconds.toFixed(1)} s · test pass ${evalSeconds.toFixed(1)} s`,
    );

    const result = resultLine({
      model: name,
      dataset: args.dataset,
      profile: args.profile,
      backend: backend.name,
      epochs: first.loss.length + (transfer?.fineTuneEpochs ?? 0),
      seconds,
      testAccuracy: test.accuracy,
      command: commandLine(argv),
      testLoss: test.loss,
      testSize: test.size,
      epochsRequested: args.epochs,
      stoppedEarly: history.stoppedEarly,
      validationAccuracy: args.patience !== undefined ? bestValidationAccuracy(history) : history.valAcc.at(-1),
      params: model.countParams(),
      trainSize: train.train.size,
      perClass: recipe?.perClass,
      validationSize: recipe !== undefined ? train.validation.size : undefined,
      earlyStopping: recipe !== undefined ? { monitor: "val_acc", patience: recipe.patience } : undefined,
      transfer,
      batchSize: args.batchSize,
      lr: args.lr,
      lrDecay: args.lrDecay,
      optimizer: args.optimizer,
      seed: args.seed,
      architecture: args.model,
      // The model flags set only ModelOptionFields' fields (modelOptionsFromFlags); the builder checks them again.
      modelOptions: args.modelOptions as ModelOptionFields,
      augment: args.augment,
      trainWorkers: history.workers,
      resumedFromEpoch: resumeFrom?.logs.length,
      ...machineFields(backend),
      testPredictions: encodePredictions(test.predictions),
    });
    // The model's metadata records how it was trained; its predictions belong to the log only.
    const { testPredictions: _predictions, ...metadata } = result;
    const saved = await saveModel(model, out, { metadata });
    console.log(`Model saved to ${shownPath(root, saved.dir)} (${(saved.weightBytes / 1e6).toFixed(1)} MB of weights)`);

    logResult(root, result, resultsFile, `${saved.dir}.result.jsonl`);
    console.log(`Result appended to ${shownPath(root, resultsFile)}`);
    await removeCheckpoint(checkpoint.dir); // last: until the result is logged, an interruption can resume
  } finally {
    model.dispose();
    slice?.dispose();
    data?.dispose();
  }
}

if (require.main === module) runCommand("train", main);
