/**
 * One run of `npm run train`, in the library so that it is tested in-process: the settings'
 * defaults (the model's training recipe, or lesson 10's slice recipe with --per-class), the checks
 * made before any work (output folder, checkpoint, transfer base), the transferred model, the
 * training with its checkpoint after every epoch and resuming from it, fine-tuning, the test pass
 * and the result line. The command (scripts/cli/train.ts) parses its flags into
 * {@link TrainSettings}, makes the model ({@link runModel}), calls {@link runTraining}, saves the
 * model and logs the line; the messages here name the command's flags because they answer what
 * was typed.
 */
import type * as tf from "@tensorflow/tfjs";
import * as path from "node:path";
import type { BackendInfo } from "../backend/select";
import { canonicalJson } from "../check";
import { splitSizesLine, type DatasetName } from "../data/datasets";
import type { DatasetSplits } from "../data/idx-dataset";
import { shownPath } from "../data/paths";
import { evaluate } from "../eval/evaluate";
import { replaceableFolder } from "../io/folders";
import { loadModel, loadModelMetadata, MODEL_FOLDER, modelFolderState } from "../io/model-files";
import { buildModel, type ModelName, type ModelOptionsByName } from "../models/registry";
import { modelSummary, summaryText } from "../models/summary";
import { transferModel } from "../models/transfer";
import type { LessonProfile } from "../profile";
import {
  encodePredictions,
  resultLine,
  type MachineFields,
  type ModelOptionFields,
  type ResultLine,
  type TransferFields,
} from "../results/log";
import { CHECKPOINT_FOLDER, checkpointDir, loadCheckpoint, readCheckpointInfo, saveCheckpoint } from "../train/checkpoint";
import { fit, type FitOptions } from "../train/fit";
import type { OptimizerName } from "../train/optimizer";
import type { TrainingState } from "../train/training-state";
import { bestValidationAccuracy, fineTune } from "./fine-tune";
import { recipeFitOptions, trainingRecipe } from "./recipes";
import { FINE_TUNE_LR_FACTOR, labelledSlice, sliceFitOptions, sliceRecipe, type SliceRecipe } from "./slice-recipe";

/** What a run trains, and where it saves: the train command's flags, parsed and defaulted. */
export interface TrainSettings {
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
  /** Train on this many images per class of the training split (seeded with --seed); undefined: all of it. */
  readonly perClass: number | undefined;
  /** A saved model folder whose convolutional base is copied, frozen, under a new head (needs perClass). */
  readonly transferFrom: string | undefined;
  /** After the head, fine-tune every layer at a tenth of the learning rate; kept only if validation accuracy rises. */
  readonly fineTune: boolean;
}

/** The training settings a run takes when no flag sets them. */
export interface TrainDefaults {
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly optimizer: OptimizerName;
  readonly lrDecay: number;
  readonly patience: number | undefined;
}

/**
 * The defaults of a run of `model` in `profile`: the model's training recipe (the one lesson 6
 * trains with), or with `perClass` the slice recipe lesson 10 trains with (Adam, constant lr,
 * early stopping). `seed` when given replaces the recipe's, and seeds the slice.
 */
export function trainDefaults(
  model: ModelName | "transfer",
  profile: LessonProfile,
  perClass: number | undefined,
  seed?: number,
): TrainDefaults {
  if (perClass !== undefined) {
    const slice = sliceRecipe(perClass, profile, seed ?? sliceRecipe(perClass, profile).seed);
    const { epochs, batchSize, lr, patience } = slice;
    return { seed: slice.seed, epochs, batchSize, lr, optimizer: "adam", lrDecay: 1, patience };
  }
  if (model === "transfer") throw new Error("trainDefaults: a transferred model trains on a labelled slice: give perClass");
  const { epochs, batchSize, lr, optimizer, lrDecay, seed: recipeSeed } = trainingRecipe(model, profile);
  return { seed: seed ?? recipeSeed, epochs, batchSize, lr, optimizer, lrDecay, patience: undefined };
}

/**
 * The result's model name: --name, else the model's, with the slice and the base when there
 * are any, e.g. `cnn-100-per-class`, `transfer-cnn-full-100-per-class-fine-tuned`.
 */
export function runName(args: TrainSettings): string {
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
export function checkedOutputFolder(args: TrainSettings, root: string): string {
  const folder = `${args.dataset === "mnist" ? "" : `${args.dataset}-`}${runName(args)}-${args.profile}`;
  const given = args.out ?? path.join("results", "models", folder);
  const state = replaceableFolder(given, MODEL_FOLDER, root);
  const out = path.resolve(root, given);
  if (args.transferFrom !== undefined && out === path.resolve(root, args.transferFrom)) {
    throw new Error(`--out ${shownPath(root, out)} is the --transfer-from folder: the base must not be replaced by its own transfer`);
  }
  if (state === "ours" && !args.overwrite) {
    throw new Error(`${shownPath(root, out)} already holds a saved model; pass --overwrite to replace it, or --out another folder`);
  }
  return out;
}

/** What a checkpoint records of the command, and a resumed run must ask for again: all that changes what is trained. */
export function checkpointSettings(args: TrainSettings): Record<string, unknown> {
  const { model, name, dataset, profile, epochs, batchSize, lr, optimizer, lrDecay, patience, seed, modelOptions, augment } = args;
  return {
    model,
    name: name ?? null,
    dataset,
    profile,
    epochs,
    batchSize,
    lr,
    optimizer,
    lrDecay,
    patience: patience ?? null,
    seed,
    modelOptions,
    augment,
  };
}

/** A run's checkpoint folder, and the epochs it holds when the run resumes from it. */
export interface CheckedCheckpoint {
  readonly dir: string;
  readonly epochs: number | undefined;
}

/**
 * The checkpoint folder of a run that saves to `out`, checked before any work: with --resume it
 * must hold a checkpoint of these settings (returned with its epochs); without, it must not
 * exist (an interrupted run is never silently discarded).
 */
export function checkedCheckpoint(args: TrainSettings, out: string, root: string): CheckedCheckpoint {
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
export async function checkedTransferFolder(args: TrainSettings, root: string): Promise<TransferBase | undefined> {
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

/** The transferred model: `dir`'s base under a new head, frozen. */
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
function checkedSlice(data: DatasetSplits, recipe: SliceRecipe, profile: LessonProfile, title: string) {
  const counts = new Array<number>(data.classNames.length).fill(0);
  for (const y of data.train.labels) counts[y]! += 1;
  const short = counts.findIndex((n) => n < recipe.perClass);
  if (short >= 0) {
    throw new Error(
      `--per-class ${recipe.perClass}: the ${profile}-profile ${title} training split has ${counts[short]} images of class ` +
        `${short} (${data.classNames[short]}); at most ${Math.min(...counts)} per class`,
    );
  }
  return labelledSlice(data, recipe);
}

/**
 * The model a run trains: the transfer base's convolutional layers under a new head, frozen (a
 * base that cannot serve is named), or the model built from its flags. Made before the data is
 * loaded, so that a bad base costs nothing; the caller disposes it.
 */
export async function runModel(args: TrainSettings, base: TransferBase | undefined, root: string): Promise<tf.LayersModel> {
  return base !== undefined
    ? loadTransferModel(base.dir, root, args.seed)
    : buildModel(args.model as ModelName, { ...args.modelOptions, seed: args.seed });
}

/** What {@link runTraining} needs beside the settings: the checked places and what the result line records. */
export interface TrainRunContext {
  /** The project root: paths in messages and in the result line are shown relative to it. */
  readonly root: string;
  /** The data set's splits (the caller loads and disposes them) and its title, e.g. "Fashion-MNIST". */
  readonly data: DatasetSplits;
  readonly title: string;
  /** The checkpoint folder, from {@link checkedCheckpoint}. */
  readonly checkpoint: CheckedCheckpoint;
  /** The transfer base, from {@link checkedTransferFolder} (undefined: the model is built from scratch). */
  readonly base: TransferBase | undefined;
  /** The backend it trains on, and the machine fields of the result line. */
  readonly backend: BackendInfo;
  readonly machine: MachineFields;
  /** The command as typed again, for the result line. */
  readonly command: string;
  /** Where the run's progress lines go (fit's own progress goes to the terminal as fit shows it). */
  readonly log: (line: string) => void;
}

/**
 * Trains `model` (from {@link runModel}), evaluates it on the test split and returns the result line. A run on the whole training
 * split saves its state to `context.checkpoint.dir` after every epoch (and resumes from it with
 * `args.resume`); a slice's run takes minutes and keeps none. With a transfer base, the head
 * trains first, then with `fineTune` every layer, kept only if validation accuracy rises.
 */
export async function runTraining(args: TrainSettings, model: tf.LayersModel, context: TrainRunContext): Promise<ResultLine> {
  const { root, data, title, checkpoint, base, log } = context;
  let slice: ReturnType<typeof labelledSlice> | undefined;
  try {
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
    slice = recipe === undefined ? undefined : checkedSlice(data, recipe, args.profile, title);
    const train = slice ?? { train: data.train, validation: data.validation };
    log(splitSizesLine(args.profile, data, title));
    if (recipe !== undefined) {
      const validation = recipe.validationPerClass === undefined ? "the whole validation split" : `${recipe.validationPerClass} per class`;
      log(
        `Training on ${args.perClass} images per class (${train.train.size.toLocaleString("en-US")}), seed ${args.seed}; validation: ${validation}`,
      );
    }
    const described =
      base !== undefined
        ? `${shownPath(root, base.dir)}'s base, frozen, and a new head`
        : `${args.model} ${JSON.stringify(args.modelOptions)}`;
    log(`\nModel ${runName(args)} (${described}):\n${summaryText(modelSummary(model))}\n`);

    // Long runs (the whole training split) save their state after every epoch; a slice's run takes minutes.
    const resumeFrom = args.resume ? await loadCheckpoint(checkpoint.dir) : undefined;
    if (resumeFrom) log(`Resuming after epoch ${resumeFrom.logs.length} of ${args.epochs}, from ${shownPath(root, checkpoint.dir)}\n`);
    // Training time of the epochs before the interruption (validation included, like fit's own times).
    const secondsBefore = (resumeFrom?.logs ?? []).reduce((sum, l) => sum + l.seconds, 0);
    const settingsRecord = checkpointSettings(args);
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
      ...(recipe === undefined
        ? {
            onState: (state: TrainingState) => saveCheckpoint(checkpoint.dir, state, settingsRecord),
            ...(resumeFrom ? { resumeFrom } : {}),
          }
        : {}),
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
        log(`\nFine-tuning every layer at lr ${fineTuneLr}:`);
        const { tuned, kept } = await fineTune(model, train, fitOptions("fine-tune"), first);
        if (kept) history = tuned;
        log(
          `Fine-tuning ${kept ? "kept" : "not kept (the head's weights are saved)"}: validation accuracy ` +
            `${(100 * bestValidationAccuracy(tuned)).toFixed(2)} % against the head's ${(100 * bestValidationAccuracy(first)).toFixed(2)} %`,
        );
        transfer = {
          ...transfer,
          fineTuned: kept,
          fineTuneEpochs: tuned.loss.length,
          fineTuneValidationAccuracy: bestValidationAccuracy(tuned),
          fineTuneLr,
        };
      }
    }
    const seconds = secondsBefore + (performance.now() - started) / 1000;

    const evalStarted = performance.now();
    const test = evaluate(model, data.test, { batchSize: 500 });
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    log(
      `\nTest accuracy ${(100 * test.accuracy).toFixed(2)} % (loss ${test.loss.toFixed(4)}) on ` +
        `${test.size.toLocaleString("en-US")} images · training ${seconds.toFixed(1)} s · test pass ${evalSeconds.toFixed(1)} s`,
    );

    return resultLine({
      model: runName(args),
      dataset: args.dataset,
      profile: args.profile,
      backend: context.backend.name,
      epochs: first.loss.length + (transfer?.fineTuneEpochs ?? 0),
      seconds,
      testAccuracy: test.accuracy,
      command: context.command,
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
      // The model flags set only ModelOptionFields' fields (the command's parser); the builder checks them again.
      modelOptions: args.modelOptions as ModelOptionFields,
      augment: args.augment,
      trainWorkers: history.workers,
      resumedFromEpoch: resumeFrom?.logs.length,
      ...context.machine,
      testPredictions: encodePredictions(test.predictions),
    });
  } finally {
    slice?.dispose();
  }
}
