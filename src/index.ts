/**
 * tsdl — the helper library behind the lessons. Notebooks import it in one line:
 *
 *     import * as tsdl from "tsdl";
 *
 * This is the curated public surface: what lessons and learners call. Internals (checks, kernels,
 * file formats, batching loops) stay importable from their modules, for tests and scripts.
 * Folders, lowest layer first, are listed in README.md ("The library at a glance").
 */
export * as tf from "@tensorflow/tfjs";

// Which backend runs
export { backendReport, selectBackend, type BackendInfo, type BackendName, type SelectOptions } from "./backend/select";
export { lessonProfile, type LessonProfile } from "./profile";

// Rich output in the kernel, text elsewhere
export { showHtml } from "./display/output";
export { showTable, type TableHtmlOptions } from "./display/table";

// Data: MNIST, Fashion-MNIST, CSV images, batches
export { defaultMnistDir, projectRoot } from "./data/paths";
export { makeDataset, type Dataset } from "./data/dataset";
export { forEachBatch, mulberry32, type BatchOptions, type BatchSource } from "./data/batches";
export { loadMnist, mnistDigits, readMnistSplitSync, type LoadMnistOptions, type MnistSplitName, type MnistSplits } from "./data/mnist";
export { loadFashionMnist } from "./data/fashion-mnist";
export { testSplitLabels, type DatasetName } from "./data/datasets";
export { type DatasetSplits, type LoadDatasetOptions } from "./data/idx-dataset";
export { subsetDataset } from "./data/subset";
export {
  readDigitCsv,
  readImageCsv,
  writeImageCsv,
  type ReadDigitCsvOptions,
  type UnlabeledDigits,
  type WriteImageCsvOptions,
} from "./data/csv";
export { labelDistribution } from "./data/label-distribution";

// Small arrays, axis shuffles, convolution and pooling for teaching
export { toFilter4D, toMatrix, toTensor4D } from "./tensor/convert";
export { formatMatrix, type FormatMatrixOptions } from "./tensor/format";
export { swapaxes } from "./tensor/swapaxes";
export { type Padding } from "./conv/padding";
export { convOutputSize, measureOutputSize, outputSizeTable } from "./conv/output-size";
export { conv2dToy, maxPoolToy, type ConvToyOptions, type PoolToyOptions } from "./conv/toy";

// Offline plotly plots
export { plotlySetup, show } from "./plot/show";
export { imageGrid, type ImageGridOptions } from "./plot/image-grid";
export { heatmap, type HeatmapOptions } from "./plot/heatmap";
export { barChart, linePlot, type BarSeries, type ChartOptions, type Series } from "./plot/charts";
export { type Plot } from "./plot/spec";

// The lessons' models
export { softmaxRegression, type SoftmaxRegressionOptions } from "./models/softmax-regression";
export { BATCH_NORM_MOMENTUM, mlp, type MlpOptions } from "./models/mlp";
export { CNN_FILTERS, cnn, type CnnOptions } from "./models/cnn";
export { type DeepCnnOptions } from "./models/deep-cnn";
export { transferModel, type TransferOptions } from "./models/transfer";
export { buildModel, MODEL_NAMES, type ModelName, type ModelOptionsByName } from "./models/registry";
export { SeededDropout, seededDropout } from "./models/seeded-dropout";
export { layersFrame, type ModelSummaryRow } from "./models/summary";
export { INITIALIZER_NAMES, type InitializerName } from "./models/common";
export { activationStats, type ActivationStats } from "./models/activations";

// Augmentation of image batches (digits: never flipped; clothes: mirrored)
export { augmentBatch, sampleDigitTransforms } from "./augment/batch";
export { DEFAULT_DIGIT_AUGMENT, type AugmentOptions } from "./augment/options";
export { type DigitTransform } from "./augment/matrix";
export { flipHorizontal, randomHorizontalFlip, type BatchTransform } from "./augment/flip";

// Evaluation
export { accuracy } from "./eval/accuracy";
export { crossEntropy } from "./eval/loss";
export { predictClasses, type Predictions } from "./eval/predict";
export { evaluate, type Evaluation, type LabeledImages } from "./eval/evaluate";
export { confusionMatrix } from "./eval/confusion";
export { perClassAccuracy, type ClassAccuracy } from "./eval/per-class";
export { mostConfidentMistakes, type Mistake } from "./eval/mistakes";
export { accuracyWithError, formatAccuracy, pairedComparison, type AccuracyWithError, type PairedComparison } from "./eval/compare";
export {
  compareAcrossSeeds,
  loggedArm,
  onSharedSeeds,
  seedVerdict,
  verdictAgreement,
  type Arm,
  type ArmSummary,
  type SeedComparison,
  type SeedRun,
} from "./eval/seeds";

// Model files
export { loadModel, saveModel, type SavedModelFiles, type SaveModelOptions } from "./io/model-files";
export { fileHandler } from "./io/file-handler";

// Training: fit, recipes, one experiment of the MNIST lesson
export { fit, type FitData, type FitOptions } from "./train/fit";
export { type EpochLog, type History } from "./train/history";
export { type TrainingState } from "./train/training-state";
export { TrainingInterruptedError } from "./train/interrupt";
export { type OptimizerName } from "./train/optimizer";
export { type LrSchedule } from "./train/schedule";
export { type EarlyStoppingOptions } from "./train/early-stopping";
export { recipeFitOptions, recipeText, trainingRecipe, type TrainingRecipe } from "./experiments/recipes";
export { accuracyFloor } from "./experiments/floors";
export {
  describeRun,
  perClassFrame,
  resultsFrame,
  trainAndEvaluate,
  type ExperimentData,
  type ExperimentRun,
} from "./experiments/experiment";
export { armTable, describeRung, trainArm, type ArmRungs, type Rung, type RungData, type SeededRung } from "./experiments/ladder";
export { labelledSlice, sliceFitOptions, sliceRecipe, type LabelledSlice, type SliceRecipe } from "./experiments/slice-recipe";

// Ensembles: train members, combine, measure, tables
export { describeRecipe, memberRecipe, type MemberRecipe } from "./ensemble/member-recipe";
export { ensembleRunDir, type EnsembleRunSpec, type MemberRecord } from "./ensemble/run-folder";
export { trainMembers, type EnsembleMember, type EnsembleMembers, type TrainMembersOptions } from "./ensemble/train-members";
export { type MemberProbabilities } from "./ensemble/combine";
export { ensembleReport, type EnsembleReport } from "./ensemble/report";
export { accuracyByKTable, ensembleTable, errorOverlapTable } from "./ensemble/tables";

// The results log (results/results.jsonl)
export { readResultLines, type ResultFields, type ResultLine } from "./results/log";
export { ensembleResultsTable } from "./results/ensemble-table";

// The drawing pad of the exported MNIST page: preprocessing shared with the browser, saving its model
export { saveDemoModel, type SaveDemoModelOptions, type SavedDemoModel } from "./demo/save";
