// `npm run train -- --model cnn [--dataset fashion-mnist] [--profile full] [...]`: trains one of the
// lesson models on MNIST (or another shipped IDX data set) with
// the library's own code (the same fit/evaluate/saveModel the notebooks use), shows progress on
// the terminal, evaluates on the test split, saves the model and appends one JSON line to
// results/results.jsonl (the README's results table is generated from it: `npm run results`).
import * as path from "node:path";
import { backendReport, parseBackendRequest, selectBackend, type BackendName } from "../src/backend/select";
import { DATASET_NAMES, idxDataset, type DatasetName } from "../src/data/datasets";
import { loadIdxDataset } from "../src/data/idx-dataset";
import { projectRoot } from "../src/data/paths";
import { evaluate } from "../src/eval/evaluate";
import { saveModel } from "../src/io/model-files";
import { buildModel, MODEL_NAMES, parseModelName, type ModelName } from "../src/models/registry";
import { modelSummary, summaryText } from "../src/models/summary";
import { lessonProfile, type LessonProfile } from "../src/profile";
import { fit } from "../src/train/fit";
import { OPTIMIZER_NAMES, parseOptimizerName, type OptimizerName } from "../src/train/optimizer";
import { trainingRecipe } from "../src/train/recipes";
import {
  appendResult,
  integerFlag,
  machineFields,
  npmCommandLine,
  parseFlags,
  positiveFlag,
  profileFlag,
  runCommand,
  RUN_FLAGS,
  splitSizesLine,
} from "./cli";

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
  /** Model directory; default results/models/<model>-<profile> (MNIST), <dataset>-<model>-<profile> otherwise. */
  readonly out: string | undefined;
}

export const HELP = `Train a lesson model on MNIST or Fashion-MNIST, evaluate it on the test split, save it, log the result.

Usage: npm run train -- --model <name> [options]

Required:
  --model <name>       one of ${MODEL_NAMES.join(", ")}

Options (the defaults of --epochs, --batch-size, --lr, --optimizer, --lr-decay and --seed are
the model's training recipe for the profile, src/train/recipes.ts, which lesson 4 uses too):
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
  --out <dir>          where to save the model (default results/models/<model>-<profile>,
                       or <dataset>-<model>-<profile> for a data set other than mnist)
  --help               show this text

Each run appends one JSON line to results/results.jsonl.`;

const OPTIONS = {
  ...RUN_FLAGS,
  dataset: { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  lr: { type: "string" },
  optimizer: { type: "string" },
  "lr-decay": { type: "string" },
  patience: { type: "string" },
} as const;

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
  const profile = values.profile === undefined ? lessonProfile() : profileFlag(values.profile);
  // Flags given explicitly win; the rest comes from the recipe lesson 4 trains with.
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
    backend: parseBackendRequest(values.backend),
    out: values.out,
  };
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
  const backend = await selectBackend(args.backend);
  console.log(backendReport(backend));

  const dataset = idxDataset(args.dataset);
  const data = await loadIdxDataset(dataset, { profile: args.profile });
  const model = buildModel(args.model, { seed: args.seed });
  try {
    console.log(splitSizesLine(args.profile, data, dataset.title));
    console.log(`\nModel ${args.model}:\n${summaryText(modelSummary(model))}\n`);

    const started = performance.now();
    const history = await fit(model, { train: data.train, validation: data.validation }, {
      epochs: args.epochs,
      batchSize: args.batchSize,
      lr: args.lr,
      optimizer: args.optimizer,
      seed: args.seed,
      ...(args.lrDecay !== 1 ? { schedule: { kind: "exponential", decay: args.lrDecay } as const } : {}),
      ...(args.patience !== undefined
        ? { earlyStopping: { patience: args.patience, monitor: "val_loss", restoreBestWeights: true } as const }
        : {}),
    });
    const seconds = (performance.now() - started) / 1000;

    const evalStarted = performance.now();
    const test = evaluate(model, data.test, { batchSize: 500 });
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    console.log(
      `\nTest accuracy ${(100 * test.accuracy).toFixed(2)} % (loss ${test.loss.toFixed(4)}) on ` +
        `${test.size.toLocaleString("en-US")} images · training ${seconds.toFixed(1)} s · test pass ${evalSeconds.toFixed(1)} s`,
    );

    const folder = `${args.dataset === "mnist" ? "" : `${args.dataset}-`}${args.model}-${args.profile}`;
    const out = path.resolve(root, args.out ?? path.join("results", "models", folder));
    const result = {
      model: args.model,
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
      ...machineFields(backend),
    };
    const saved = await saveModel(model, out, { metadata: result });
    console.log(`Model saved to ${path.relative(root, saved.dir) || "."} (${(saved.weightBytes / 1e6).toFixed(1)} MB of weights)`);

    const resultsFile = path.join(root, "results", "results.jsonl");
    appendResult(resultsFile, result);
    console.log(`Result appended to ${path.relative(root, resultsFile)}`);
  } finally {
    model.dispose();
    data.dispose();
  }
}

if (require.main === module) runCommand("train", main);
