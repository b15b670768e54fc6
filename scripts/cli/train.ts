// `npm run train -- --model cnn [--profile full] [...]`: trains one of the lesson models on MNIST with
// the library's own code (the same fit/evaluate/saveModel the notebooks use), shows progress on
// the terminal, evaluates on the test split, saves the model and appends one JSON line to
// results/results.jsonl (the README's results table is generated from it: `npm run results`).
import * as path from "node:path";
import { backendReport, selectBackend, type BackendName } from "../../src/backend/select";
import { DATASET_NAMES, idxDataset, type DatasetName } from "../../src/data/datasets";
import { loadIdxDataset } from "../../src/data/idx-dataset";
import { projectRoot } from "../../src/data/paths";
import { canonicalJson } from "../../src/ensemble/member-recipe";
import { evaluate } from "../../src/eval/evaluate";
import { modelFolderState, saveModel } from "../../src/io/model-files";
import { INITIALIZER_NAMES, parseInitializerName } from "../../src/models/common";
import { buildModel, MODEL_NAMES, parseModelName, type ModelName, type ModelOptionsByName } from "../../src/models/registry";
import { modelSummary, summaryText } from "../../src/models/summary";
import { appendResult, encodePredictions } from "../../src/results/log";
import type { LessonProfile } from "../../src/profile";
import { checkpointDir, loadCheckpoint, readCheckpointInfo, removeCheckpoint, saveCheckpoint } from "../../src/train/checkpoint";
import { fit } from "../../src/train/fit";
import { OPTIMIZER_NAMES, parseOptimizerName, type OptimizerName } from "../../src/train/optimizer";
import { recipeFitOptions, trainingRecipe } from "../../src/train/recipes";
import {
  integerFlag,
  machineFields,
  npmCommandLine,
  parseFlags,
  positiveFlag,
  runCommand,
  RUN_FLAGS,
  checkedResultsFile,
  runSettings,
  shownPath,
  splitSizesLine,
} from "./common";

/** The parsed command line. */
export interface TrainArgs {
  readonly model: ModelName;
  /** The data set trained and tested on (default mnist). */
  readonly dataset: DatasetName;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly optimizer: OptimizerName;
  /** Exponential learning-rate decay per epoch (1 = constant). */
  readonly lrDecay: number;
  /** Early stopping on val_loss after this many epochs without improvement (undefined: off). */
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
}

export const HELP = `Train a lesson model on MNIST or Fashion-MNIST, evaluate it on the test split, save it, log the result.

Usage: npm run train -- --model <name> [options]

Required:
  --model <name>       one of ${MODEL_NAMES.join(", ")}

Options (the defaults of --epochs, --batch-size, --lr, --optimizer, --lr-decay and --seed are
the model's training recipe for the profile, src/train/recipes.ts, which lesson 5 uses too):
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
  --overwrite          replace a model already saved there (without it, train refuses to start)
  --resume             continue an interrupted run of this command from its checkpoint
  --help               show this text

Model options (lesson 6's ladder; the model's defaults when left out):
  --hidden <n,n,…>     mlp: widths of the hidden layers (depth = how many)
  --init <name>        mlp: kernel initializer, one of ${INITIALIZER_NAMES.join(", ")}
  --dropout <x>        mlp, deep-cnn: dropout rate in [0, 1)
  --batch-norm         mlp: batch normalisation in every hidden layer
  --filters <n,n,…>    cnn: filters of the convolution blocks
  --dense-units <n>    cnn: units of the dense layer

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
  overwrite: { type: "boolean" },
  resume: { type: "boolean" },
} as const;

/** Which model flags each model takes (the builder option each sets is in {@link modelOptionsFromFlags}). */
const MODEL_FLAGS: { readonly [N in ModelName]: readonly string[] } = {
  softmax: [],
  mlp: ["hidden", "init", "dropout", "batch-norm"],
  cnn: ["filters", "dense-units"],
  "deep-cnn": ["dropout"],
};

/** `--<flag> 512,512,512` as a list of integers ≥ 1. */
function listFlag(flag: string, value: string): number[] {
  return value.split(",").map((part) => integerFlag(flag, part, 1));
}

/** The builder options the model flags ask for; a flag the model does not take throws, naming the ones it does. */
function modelOptionsFromFlags(model: ModelName, values: ReturnType<typeof parseFlags<typeof OPTIONS>>): ModelOptionsByName[ModelName] {
  const modelFlags = new Set(Object.values(MODEL_FLAGS).flat());
  for (const [flag, value] of Object.entries(values)) {
    if (value === undefined || !modelFlags.has(flag) || MODEL_FLAGS[model].includes(flag)) continue;
    const takes = MODEL_FLAGS[model].length === 0 ? "no model flags" : MODEL_FLAGS[model].map((f) => `--${f}`).join(", ");
    throw new Error(`--${flag} does not apply to ${model} (it takes ${takes})`);
  }
  const options: Record<string, unknown> = {};
  if (values.hidden !== undefined) options.hidden = listFlag("hidden", values.hidden);
  if (values.init !== undefined) options.init = parseInitializerName(values.init);
  if (values.dropout !== undefined) {
    const rate = Number(values.dropout);
    if (values.dropout.trim() === "" || !(rate >= 0 && rate < 1)) throw new Error(`--dropout must be a number in [0, 1), got "${values.dropout}"`);
    options.dropout = rate;
  }
  if (values["batch-norm"] !== undefined) options.batchNorm = values["batch-norm"];
  if (values.filters !== undefined) options.filters = listFlag("filters", values.filters);
  if (values["dense-units"] !== undefined) options.denseUnits = integerFlag("dense-units", values["dense-units"], 1);
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
  if (values.model === undefined) throw new Error(`--model is required: one of ${MODEL_NAMES.join(", ")}`);
  const model = parseModelName(values.model);
  const { profile, backend } = runSettings(values);
  if (values.name !== undefined && !/^[\w.-]+$/.test(values.name)) throw new Error(`--name must be letters, digits, ".", "_" or "-", got "${values.name}"`);
  const modelOptions = modelOptionsFromFlags(model, values);
  // Flags given explicitly win; the rest comes from the recipe lesson 5 trains with.
  const recipe = trainingRecipe(model, profile);
  return {
    model,
    dataset: values.dataset === undefined ? "mnist" : (idxDataset(values.dataset).name as DatasetName),
    epochs: values.epochs === undefined ? recipe.epochs : integerFlag("epochs", values.epochs, 1),
    batchSize: values["batch-size"] === undefined ? recipe.batchSize : integerFlag("batch-size", values["batch-size"], 1),
    lr: values.lr === undefined ? recipe.lr : positiveFlag("lr", values.lr),
    optimizer: values.optimizer === undefined ? recipe.optimizer : parseOptimizerName(values.optimizer),
    lrDecay: values["lr-decay"] === undefined ? recipe.lrDecay : positiveFlag("lr-decay", values["lr-decay"], 1),
    patience: values.patience === undefined ? undefined : integerFlag("patience", values.patience, 1),
    profile,
    seed: values.seed === undefined ? recipe.seed : integerFlag("seed", values.seed, 0),
    backend,
    out: values.out,
    name: values.name,
    modelOptions,
    augment: values.augment ?? false,
    overwrite: values.overwrite ?? false,
    resume: values.resume ?? false,
  };
}

/**
 * The model folder a run will write, checked before any work: not a file, and not an earlier
 * model unless `--overwrite` (a quick check must not silently replace an hour of training).
 */
export function checkedOutputFolder(args: TrainArgs, root: string): string {
  const folder = `${args.dataset === "mnist" ? "" : `${args.dataset}-`}${args.name ?? args.model}-${args.profile}`;
  const out = path.resolve(root, args.out ?? path.join("results", "models", folder));
  const state = modelFolderState(out);
  if (state === "model" && !args.overwrite) {
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
  // Output paths first: a bad one must not cost the training.
  const out = checkedOutputFolder(args, root);
  const checkpoint = checkedCheckpoint(args, out, root);
  const resultsFile = checkedResultsFile(root);
  const backend = await selectBackend(args.backend);
  console.log(backendReport(backend));

  const dataset = idxDataset(args.dataset);
  const data = await loadIdxDataset(dataset, { profile: args.profile });
  const model = buildModel(args.model, { ...args.modelOptions, seed: args.seed });
  const name = args.name ?? args.model;
  try {
    console.log(splitSizesLine(args.profile, data, dataset.title));
    console.log(`\nModel ${name} (${args.model} ${JSON.stringify(args.modelOptions)}):\n${summaryText(modelSummary(model))}\n`);

    const resumeFrom = args.resume ? await loadCheckpoint(checkpoint.dir) : undefined;
    if (resumeFrom) console.log(`Resuming after epoch ${resumeFrom.logs.length} of ${args.epochs}, from ${shownPath(root, checkpoint.dir)}\n`);
    // Training time of the epochs before the interruption (validation included, like fit's own times).
    const secondsBefore = (resumeFrom?.logs ?? []).reduce((sum, log) => sum + log.seconds, 0);
    const settings = checkpointSettings(args);
    const started = performance.now();
    const history = await fit(model, { train: data.train, validation: data.validation }, {
      ...recipeFitOptions({ ...args, augment: args.augment ? {} : undefined }, args.seed),
      ...(args.patience !== undefined
        ? { earlyStopping: { patience: args.patience, monitor: "val_loss", restoreBestWeights: true } as const }
        : {}),
      onState: (state) => saveCheckpoint(checkpoint.dir, state, settings),
      ...(resumeFrom ? { resumeFrom } : {}),
    });
    const seconds = secondsBefore + (performance.now() - started) / 1000;

    const evalStarted = performance.now();
    const test = evaluate(model, data.test, { batchSize: 500 });
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    console.log(
      `\nTest accuracy ${(100 * test.accuracy).toFixed(2)} % (loss ${test.loss.toFixed(4)}) on ` +
        `${test.size.toLocaleString("en-US")} images · training ${seconds.toFixed(1)} s · test pass ${evalSeconds.toFixed(1)} s`,
    );

    const result = {
      model: name,
      dataset: args.dataset,
      profile: args.profile,
      backend: backend.name,
      epochs: history.loss.length,
      seconds: Math.round(seconds * 10) / 10,
      testAccuracy: test.accuracy,
      date: new Date().toISOString(),
      command: commandLine(argv),
      testLoss: test.loss,
      testSize: test.size,
      epochsRequested: args.epochs,
      stoppedEarly: history.stoppedEarly,
      validationAccuracy: history.valAcc.at(-1),
      params: model.countParams(),
      trainSize: data.train.size,
      batchSize: args.batchSize,
      lr: args.lr,
      lrDecay: args.lrDecay,
      optimizer: args.optimizer,
      seed: args.seed,
      architecture: args.model,
      modelOptions: args.modelOptions,
      augment: args.augment,
      trainWorkers: history.workers,
      ...(resumeFrom ? { resumedFromEpoch: resumeFrom.logs.length } : {}),
      ...machineFields(backend),
      testPredictions: encodePredictions(test.predictions),
    };
    // The model's metadata records how it was trained; its predictions belong to the log only.
    const { testPredictions: _predictions, ...metadata } = result;
    const saved = await saveModel(model, out, { metadata });
    console.log(`Model saved to ${path.relative(root, saved.dir) || "."} (${(saved.weightBytes / 1e6).toFixed(1)} MB of weights)`);

    appendResult(result, resultsFile);
    console.log(`Result appended to ${path.relative(root, resultsFile)}`);
    await removeCheckpoint(checkpoint.dir); // last: until the result is logged, an interruption can resume
  } finally {
    model.dispose();
    data.dispose();
  }
}

if (require.main === module) runCommand("train", main);
