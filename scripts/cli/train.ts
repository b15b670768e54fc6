// `npm run train -- --model cnn [--profile full] [...]`: trains one of the lesson models on MNIST with
// the library's own code (the same fit/evaluate/saveModel the notebooks use), shows progress on
// the terminal, evaluates on the test split, saves the model and appends one JSON line to
// results/results.jsonl (the README's results table is generated from it: `npm run results`).
// With --per-class it trains on a labelled slice, and with --transfer-from on a saved model's
// frozen convolutional base, as lesson 10 does. The run itself is the library's
// (src/experiments/train-run.ts): this file parses the flags (./train-args.ts), calls the run,
// saves the model and logs the result.
import { backendReport, selectBackend } from "../../src/backend/select";
import { idxDataset } from "../../src/data/datasets";
import { loadIdxDataset } from "../../src/data/idx-dataset";
import { projectRoot } from "../../src/data/paths";
import { checkedCheckpoint, checkedOutputFolder, checkedTransferFolder, runModel, runTraining } from "../../src/experiments/train-run";
import { lockFolder } from "../../src/io/folder-lock";
import { saveModel } from "../../src/io/model-files";
import { removeCheckpoint } from "../../src/train/checkpoint";
import { checkedResultsFile, logResult, machineFields, npmCommandLine, runCommand, shownPath } from "./common";
import { HELP, parseTrainArgs } from "./train-args";

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

  const model = await runModel(args, base, root);
  try {
    const dataset = idxDataset(args.dataset);
    const data = await loadIdxDataset(dataset, { profile: args.profile });
    try {
      const context = {
        root,
        data,
        title: dataset.title,
        checkpoint,
        base,
        backend,
        machine: machineFields(backend),
        command: commandLine(argv),
      };
      const result = await runTraining(args, model, { ...context, log: (line) => console.log(line) });
      // The model's metadata records how it was trained; its predictions belong to the log only.
      const { testPredictions: _predictions, ...metadata } = result;
      const saved = await saveModel(model, out, { metadata });
      console.log(`Model saved to ${shownPath(root, saved.dir)} (${(saved.weightBytes / 1e6).toFixed(1)} MB of weights)`);

      logResult(root, result, resultsFile, `${saved.dir}.result.jsonl`);
      console.log(`Result appended to ${shownPath(root, resultsFile)}`);
      await removeCheckpoint(checkpoint.dir); // last: until the result is logged, an interruption can resume
    } finally {
      data.dispose();
    }
  } finally {
    model.dispose();
  }
}

if (require.main === module) runCommand("train", main);
