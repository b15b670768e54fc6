// `npm run combine -- --models <dir,dir,…> --profile full`: an ensemble of models trained
// separately and saved (by `npm run train`, `npm run ensemble`, a notebook), possibly of different
// architectures. Each model is scored on the test split, their probabilities are averaged (and
// voted), and one JSON line goes to results/results.jsonl, like `npm run ensemble`'s.
import * as path from "node:path";
import { backendReport, selectBackend, type BackendName } from "../../src/backend/select";
import { loadMnist } from "../../src/data/mnist";
import { projectRoot } from "../../src/data/paths";
import { ensembleReport } from "../../src/ensemble/report";
import { savedModelOutputs } from "../../src/ensemble/saved-models";
import { resultLine } from "../../src/results/log";
import type { LessonProfile } from "../../src/profile";
import {
  checkedResultsFile,
  logResult,
  machineFields,
  npmCommandLine,
  parseFlags,
  RUN_FLAGS,
  runCommand,
  runSettings,
  shownPath,
} from "./common";
import { reportFields, reportLines } from "./ensemble-result";

/** The parsed command line. */
export interface CombineArgs {
  /** Model folders, as given (relative to the project root or absolute). */
  readonly models: readonly string[];
  readonly profile: LessonProfile;
  /** The result's `model`; undefined: `ensemble-mixed-x<k>`. */
  readonly name: string | undefined;
  readonly backend: BackendName | "auto";
  readonly results: string | undefined;
}

export const HELP = `Combine saved models into an ensemble, evaluate it on the test split, log the result.

Usage: npm run combine -- --models <dir,dir,…> [options]

Required:
  --models <list>    comma-separated model folders (each with model.json + weights.bin), e.g.
                     results/models/deep-cnn-full,results/models/ensemble-cnn-x5-full/member-1

Options:
  --profile <p>      the test split to score on: fast (2,000 images) or full (the 10,000 MNIST
                     test images); default $LESSON_PROFILE or fast
  --name <name>      the result's model name (default ensemble-mixed-x<k>)
  --backend <name>   auto, tensorflow, wasm or cpu (default $TSDL_BACKEND or auto)
  --results <file>   where to append the result line (default results/results.jsonl)
  --help             show this text

Choose the models before you look at the ensemble's test accuracy: picking members by their
test scores tunes the ensemble to the test set, and its number then overstates.`;

const { profile, backend, help } = RUN_FLAGS;
const OPTIONS = { models: { type: "string" }, name: { type: "string" }, results: { type: "string" }, profile, backend, help } as const;

/** Parses the command line (without `node script`); `"help"` for --help; throws naming a bad flag or value. */
export function parseCombineArgs(argv: readonly string[]): CombineArgs | "help" {
  const values = parseFlags(argv, OPTIONS);
  if (values.help) return "help";
  if (values.models === undefined) throw new Error("--models is required: comma-separated model folders");
  const models = values.models.split(",").map((m) => m.trim());
  if (models.some((m) => m === "")) throw new Error(`--models has an empty entry: "${values.models}"`);
  if (models.length < 2) throw new Error(`--models names one model (${models[0]}): an ensemble needs at least 2`);
  const twice = models.filter((m, i) => models.indexOf(m) !== i);
  if (twice.length > 0) throw new Error(`--models lists ${twice[0]} twice: a member counted twice is a weighted average, not an ensemble`);
  if (values.name !== undefined && !/^[\w.-]+$/.test(values.name))
    throw new Error(`--name must be letters, digits, ".", "_" or "-", got "${values.name}"`);
  const { profile, backend } = runSettings(values);
  return { models, profile, name: values.name, backend, results: values.results };
}

const numberField = (metadata: Readonly<Record<string, unknown>>, key: string): number | undefined =>
  typeof metadata[key] === "number" ? (metadata[key] as number) : undefined;

/** The architecture a saved model's metadata names (`npm run train` saves `model`, members their `recipe`). */
function architecture(metadata: Readonly<Record<string, unknown>>): string {
  const recipe = metadata.recipe as { model?: unknown } | undefined;
  const name = typeof metadata.model === "string" ? metadata.model : typeof recipe?.model === "string" ? recipe.model : "?";
  return `${name}${(recipe as { augment?: unknown } | undefined)?.augment !== undefined ? " (augmented)" : ""}`;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseCombineArgs(argv);
  if (args === "help") {
    console.log(HELP);
    return;
  }
  const root = projectRoot();
  const resultsFile = checkedResultsFile(root, args.results);
  const backend = await selectBackend(args.backend);
  console.log(backendReport(backend));
  const data = await loadMnist({ profile: args.profile });
  try {
    const members = await savedModelOutputs(
      args.models.map((m) => path.resolve(root, m)),
      data.test.xs,
    );
    const report = ensembleReport(
      members.map((m) => m.outputs),
      data.test.labels,
    );
    console.log(
      reportLines(
        report,
        members.map((m, i) => `${args.models[i]} · ${architecture(m.metadata)}`),
      ).join("\n"),
    );
    const epochs = members.map((m) => numberField(m.metadata, "epochs"));
    const seconds = members.map((m) => numberField(m.metadata, "seconds"));
    const result = resultLine({
      model: args.name ?? `ensemble-mixed-x${members.length}`,
      profile: args.profile,
      backend: backend.name,
      // The longest member's epochs; each member's are in `members`.
      epochs: Math.max(...epochs.map((e) => e ?? 0)),
      // Training time of the members, added up (those whose metadata records it).
      seconds: seconds.reduce<number>((sum, s) => sum + (s ?? 0), 0),
      testAccuracy: report.average.accuracy,
      command: npmCommandLine("combine", argv),
      members: members.map((m, i) => ({
        dir: args.models[i],
        architecture: architecture(m.metadata),
        epochs: epochs[i] ?? null,
        seconds: seconds[i] ?? null,
        testAccuracy: report.memberAccuracies[i]!,
      })),
      ...reportFields(report),
      trainSize: data.train.size,
      ...machineFields(backend),
    });
    logResult(root, result, resultsFile);
    console.log(`Result appended to ${shownPath(root, resultsFile)}`);
  } finally {
    data.dispose();
  }
}

if (require.main === module) runCommand("combine", main);
