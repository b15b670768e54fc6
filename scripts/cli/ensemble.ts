// `npm run ensemble -- --model cnn --members 5 [--augment] [--profile full]`: trains K copies of a
// lesson model with different seeds (or resumes an interrupted run: finished members are loaded
// from the run folder), combines them on the test split by averaging probabilities and by
// majority vote, and appends one JSON line to results/results.jsonl (same fields as
// `npm run train`, plus the members and the vote).
import * as path from "node:path";
import { backendReport, selectBackend, type BackendName } from "../../src/backend/select";
import { loadMnist } from "../../src/data/mnist";
import { projectRoot } from "../../src/data/paths";
import { ensembleReport } from "../../src/ensemble/report";
import { MODEL_NAMES, parseModelName, type ModelName } from "../../src/models/registry";
import { lockFolder } from "../../src/io/folder-lock";
import { resultLine } from "../../src/results/log";
import { modelFolderState } from "../../src/io/model-files";
import { pct, reportFields, reportLines } from "./ensemble-result";
import type { LessonProfile } from "../../src/profile";
import { trainMembers } from "../../src/ensemble/train-members";
import { ensembleName, ensembleRunDir, memberResultFields } from "../../src/ensemble/run-folder";
import { describeRecipe, memberRecipe, type MemberRecipe } from "../../src/ensemble/member-recipe";
import {
  checkedResultsFile,
  integerFlag,
  logResult,
  shownPath as shown,
  machineFields,
  npmCommandLine,
  parseFlags,
  runCommand,
  RUN_FLAGS,
  runSettings,
  splitSizesLine,
} from "./common";

/** The parsed command line. */
export interface EnsembleArgs {
  readonly model: ModelName;
  readonly members: number;
  readonly augment: boolean;
  readonly profile: LessonProfile;
  /** Epochs per member; undefined: the model's training recipe for the profile. */
  readonly epochs: number | undefined;
  /** Member i gets seed + i. */
  readonly seed: number;
  readonly backend: BackendName | "auto";
  /** Run folder; undefined: {@link defaultRunDir}. */
  readonly out: string | undefined;
  /** File the result line is appended to; undefined: results/results.jsonl. */
  readonly results: string | undefined;
  /** Train (or load) only these members (1-based) and log no result; undefined: all of them. */
  readonly only: readonly number[] | undefined;
}

export const HELP = `Train an ensemble of K lesson models (different seeds), evaluate it on the test split, log the result.

Usage: npm run ensemble -- --model <name> [options]

Required:
  --model <name>     one of ${MODEL_NAMES.join(", ")}

Options:
  --members <k>      number of members (default 5)
  --augment          augment the training batches (shifts, rotations, zoom: DEFAULT_DIGIT_AUGMENT)
  --profile <p>      fast (6,000 training images) or full (55,000); default $LESSON_PROFILE or fast
  --epochs <n>       epochs per member (default: the model's recipe for the profile, src/experiments/recipes.ts)
  --seed <n>         member i (1-based) gets seed n + i - 1 (default 1)
  --backend <name>   auto, tensorflow, wasm or cpu (default $TSDL_BACKEND or auto)
  --out <dir>        run folder (default results/models/ensemble-<model>-x<k>[-aug][-e<n>][-s<n>]-<profile>)
  --results <file>   where to append the result line (default results/results.jsonl)
  --only <list>      train only these members, e.g. 1,3,5, and log no result: on 2 cores, two
                     processes with TSDL_WASM_THREADS=1 and disjoint lists train faster than one
                     (measured: 800+ samples/s together, ~600 for one process with 2 threads);
                     then run without --only to load all members and log the ensemble
  --help             show this text

Each member is saved in <run folder>/member-<i> as soon as it is trained. Run the same command
again after an interruption: finished members are loaded, only the missing ones are trained.
Each run appends one JSON line to results/results.jsonl (or --results).`;

const OPTIONS = {
  ...RUN_FLAGS,
  members: { type: "string" },
  augment: { type: "boolean" },
  epochs: { type: "string" },
  results: { type: "string" },
  only: { type: "string" },
} as const;

/** The value of --only: a comma-separated list of distinct member numbers in 1..members, sorted. */
export function onlyFlag(value: string, members: number): number[] {
  const numbers = value.split(",").map((part) => integerFlag("only", part, 1));
  const outside = numbers.filter((n) => n > members);
  if (outside.length > 0) throw new Error(`--only lists member ${outside.join(", ")}, but the ensemble has members 1–${members}`);
  if (new Set(numbers).size !== numbers.length) throw new Error(`--only lists a member twice: "${value}"`);
  return numbers.sort((a, b) => a - b);
}

/**
 * Parses the command line (without `node script`). Returns `"help"` for --help; throws on an
 * unknown flag, a missing --model or a bad value, naming it.
 */
export function parseEnsembleArgs(argv: readonly string[]): EnsembleArgs | "help" {
  const values = parseFlags(argv, OPTIONS);
  if (values.help) return "help";
  if (values.model === undefined) throw new Error(`--model is required: one of ${MODEL_NAMES.join(", ")}`);
  // Checked before the model name; the environment is read only where a flag is absent.
  const { profile, backend } = runSettings(values);
  const members = values.members === undefined ? 5 : integerFlag("members", values.members, 1);
  return {
    model: parseModelName(values.model),
    members,
    augment: values.augment ?? false,
    profile,
    epochs: values.epochs === undefined ? undefined : integerFlag("epochs", values.epochs, 1),
    seed: values.seed === undefined ? 1 : integerFlag("seed", values.seed, 0),
    backend,
    out: values.out,
    results: values.results,
    only: values.only === undefined ? undefined : onlyFlag(values.only, members),
  };
}

/** The default run folder, relative to the project root (see {@link ensembleRunDir}). */
export function defaultRunDir(args: EnsembleArgs): string {
  const { model, members, augment, profile, seed } = args;
  return ensembleRunDir({ model, members, augment, profile, seed, ...(args.epochs !== undefined ? { epochs: args.epochs } : {}) }, "");
}

/** The recipe every member trains with. */
export function ensembleRecipe(args: EnsembleArgs): MemberRecipe {
  return memberRecipe(args.model, args.profile, {
    ...(args.epochs !== undefined ? { epochs: args.epochs } : {}),
    ...(args.augment ? { augment: {} } : {}),
  });
}

/** The command as a person would type it again (for results.jsonl). */
export function commandLine(argv: readonly string[]): string {
  return npmCommandLine("ensemble", argv);
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseEnsembleArgs(argv);
  if (args === "help") {
    console.log(HELP);
    return;
  }
  const root = projectRoot();
  const recipe = ensembleRecipe(args);
  const runDir = path.resolve(root, args.out ?? defaultRunDir(args));
  // Output paths first: a bad one must not cost the training.
  if (modelFolderState(runDir) === "model")
    throw new Error(`${shown(root, runDir)} holds a single saved model, not an ensemble's run folder`);
  const lock = lockFolder(runDir); // one run per folder, as train; also proves the parent can be written
  if (lock.tookOver) console.log(`Took over ${shown(root, lock.file)}: its run (process ${lock.tookOver.pid}) is gone`);
  const resultsFile = checkedResultsFile(root, args.results);
  const backend = await selectBackend(args.backend);
  console.log(backendReport(backend));

  const data = await loadMnist({ profile: args.profile });
  try {
    console.log(splitSizesLine(args.profile, data));
    console.log(
      `${ensembleName(args)}: ${args.members} × ${describeRecipe(recipe)} · seeds ${args.seed}…${args.seed + args.members - 1}\n`,
    );
    const run = await trainMembers(data, {
      recipe,
      members: args.members,
      seed: args.seed,
      dir: runDir,
      ...(args.only !== undefined ? { only: args.only } : {}),
    });
    try {
      if (args.only !== undefined) {
        // Part of an ensemble: nothing to combine or log yet.
        console.log(`\nTest accuracy on ${data.test.size.toLocaleString("en-US")} images:`);
        run.members.forEach((m) =>
          console.log(`  member ${m.member} (seed ${m.seed})  ${pct(m.testAccuracy)}${m.loaded ? "  (loaded)" : ""}`),
        );
        const which = args.only.length === 1 ? `Member ${args.only[0]} is` : `Members ${args.only.join(", ")} are`;
        console.log(
          `${which} in ${shown(root, runDir)}. Once every member is trained, run the command without --only to combine them and log the result.`,
        );
        return;
      }
      const report = ensembleReport(
        run.members.map((m) => m.outputs),
        data.test.labels,
      );
      console.log(
        reportLines(
          report,
          run.members.map((m) => `member ${m.member} (seed ${m.seed})${m.loaded ? " (loaded)" : ""}`),
        ).join("\n"),
      );

      const result = resultLine({
        model: ensembleName(args),
        profile: args.profile,
        backend: backend.name,
        epochs: recipe.epochs,
        seconds: run.seconds,
        testAccuracy: report.average.accuracy,
        command: commandLine(argv),
        members: run.members.map(memberResultFields),
        ...reportFields(report),
        membersLoaded: run.loaded,
        trainSize: data.train.size,
        batchSize: recipe.batchSize,
        lr: recipe.lr,
        lrDecay: recipe.lrDecay,
        optimizer: recipe.optimizer,
        augment: args.augment,
        seed: args.seed,
        runDir: shown(root, runDir),
        ...machineFields(backend),
      });
      logResult(root, result, resultsFile, path.join(runDir, "result.jsonl"));
      console.log(`Result appended to ${shown(root, resultsFile)}; members in ${shown(root, runDir)}`);
    } finally {
      run.dispose();
    }
  } finally {
    data.dispose();
  }
}

if (require.main === module) runCommand("ensemble", main);
