/**
 * tsdl — the helper library behind the lessons. Notebooks import it in one line:
 *
 *     import * as tsdl from "tsdl";
 */
export * as tf from "@tensorflow/tfjs";
export * from "./backend/select";
export * from "./profile";
export * from "./notebook/display";
export * from "./tensor/convert";
export * from "./tensor/format";
export * from "./tensor/swapaxes";
export * from "./conv/padding";
export * from "./conv/output-size";
export * from "./conv/toy";
export * from "./plot/spec";
export * from "./plot/html";
export * from "./plot/show";
export * from "./plot/image-grid";
export * from "./plot/heatmap";
export * from "./plot/charts";
export * from "./data/idx";
export * from "./data/paths";
export * from "./data/dataset";
export * from "./data/batches";
export * from "./data/mnist";
export * from "./data/csv";
export * from "./data/tables";
export * from "./train/augment";
export * from "./models/softmax-regression";
export * from "./models/mlp";
export * from "./models/cnn";
export * from "./models/deep-cnn";
export * from "./models/registry";
export * from "./models/summary";
export * from "./train/fit";
export * from "./train/history";
export * from "./train/optimizer";
export * from "./train/schedule";
export * from "./train/early-stopping";
export * from "./train/progress";
export * from "./eval/loss";
export * from "./eval/predict";
export * from "./eval/evaluate";
export * from "./eval/confusion";
export * from "./eval/per-class";
export * from "./eval/mistakes";
export * from "./io/file-handler";
export * from "./io/model-files";
