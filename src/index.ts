/**
 * tsdl — the helper library behind the lessons. Notebooks import it in one line:
 *
 *     import * as tsdl from "tsdl";
 */
export * as tf from "@tensorflow/tfjs";

// Which backend runs, and the wasm training kernels
export * from "./backend/select";
// fast / full lesson profiles
export * from "./profile";
// Rich output in the kernel, text elsewhere
export * from "./notebook/display";
// MNIST, Fashion-MNIST and CSV data, batches, tables
export * from "./data/idx";
export * from "./data/paths";
export * from "./data/dataset";
export * from "./data/batches";
export * from "./data/idx-dataset";
export * from "./data/mnist";
export * from "./data/fashion-mnist";
export * from "./data/datasets";
export * from "./data/subset";
export * from "./data/csv";
export * from "./data/tables";
// Small arrays and axis shuffles
export * from "./tensor/convert";
export * from "./tensor/format";
export * from "./tensor/swapaxes";
// Convolution and pooling for teaching
export * from "./conv/padding";
export * from "./conv/output-size";
export * from "./conv/toy";
// Offline plotly plots
export * from "./plot/spec";
export * from "./plot/html";
export * from "./plot/show";
export * from "./plot/image-grid";
export * from "./plot/heatmap";
export * from "./plot/charts";
// The lessons' models
export * from "./models/softmax-regression";
export * from "./models/mlp";
export * from "./models/cnn";
export * from "./models/deep-cnn";
export * from "./models/registry";
export * from "./models/seeded-dropout";
export * from "./models/summary";
// Training: fit, recipes, augmentation, ensemble members
export * from "./augment/flip";
export * from "./train/augment";
export * from "./train/fit";
export * from "./train/history";
export * from "./train/optimizer";
export * from "./train/schedule";
export * from "./train/early-stopping";
export * from "./train/progress";
export * from "./train/recipes";
export * from "./train/experiment";
export * from "./train/members-recipe";
export * from "./train/members-files";
export * from "./train/members-progress";
export * from "./train/members";
// Evaluation and ensembles
export * from "./eval/loss";
export * from "./eval/predict";
export * from "./eval/evaluate";
export * from "./eval/confusion";
export * from "./eval/per-class";
export * from "./eval/mistakes";
export * from "./eval/compare";
export * from "./eval/ensemble-combine";
export * from "./eval/ensemble-agreement";
export * from "./eval/ensemble";
export * from "./eval/ensemble-saved";
export * from "./eval/ensemble-table";
export * from "./eval/results-log";
// Model files
export * from "./io/file-handler";
export * from "./io/model-files";
