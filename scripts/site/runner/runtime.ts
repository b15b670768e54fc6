/**
 * The lesson page's runner, loaded on the first Run (assets/runner/tsdl-runner.js, after tfjs):
 * runs cells in one shared scope as the tslab kernel does (../run-cells.ts), with `tsdl`, `tf`
 * and `nodejs-polars` importable. `tsdl` is the library itself, bundled for the browser, with
 * page counterparts behind a few names: the backend (the page's, shared with the drawing pad: wasm
 * with this project's training kernels, else cpu — src/backend/browser/), MNIST from the site's
 * asset, plots drawn with the site's plotly.js, and batches that let the page paint while a cell
 * trains.
 * Exposes `window.tsdlRunner` for the page's controls (./page.ts).
 */
import * as tf from "@tensorflow/tfjs";
import * as lib from "../../../src/index";
import type { BackendInfo } from "../../../src/backend/select";
import { pageBackend } from "../../../src/backend/browser/page-backend";
import type { BatchOptions, BatchSource } from "../../../src/data/batches";
import type { LoadDatasetOptions } from "../../../src/data/idx-dataset";
import type { Plot } from "../../../src/plot/spec";
import { DRAIN_PLOT_QUEUE, plotHtml } from "../../../src/plot/html";
import { describePlot } from "../../../src/plot/spec";
import { CellSyntaxError, IMPORT_FUNCTION, pageCell } from "../run-cells";
import { checkDigits, checkLoadMnist, unpackMnist } from "./mnist-data";
import { NeedsKernelError } from "./need-kernel";
import { inspect } from "../console-text";
import { areaSink, capture } from "./output";
import pl, * as polars from "./polars-shim";

/** What the page's controls call. */
export interface PageRunner {
  /** Starts the backend; `assets` is the site's assets folder, for the wasm backend and plotly.js. Call once before the first cell. */
  prepare(assets: string): Promise<void>;
  /** Unpacks the MNIST asset (loaded as a script before): call before the first cell that reads MNIST. */
  unpackMnist(): Promise<void>;
  /** Runs one cell's source, writing into `area` (emptied first); false when it threw. */
  runCell(source: string, area: HTMLElement): Promise<boolean>;
  /** Forgets every name the cells declared (tensors they hold are disposed). */
  reset(): void;
}

let assets = "assets";
let scope: Record<string, unknown> = Object.create(null);

/** The page's backend as the library's BackendInfo: the lessons' first cell prints it (backendReport). */
async function selectBackend(): Promise<BackendInfo> {
  const b = await pageBackend(assets);
  return { name: b.name, summary: b.summary, threads: 1, skipped: [], notices: b.notice ? [b.notice] : [] };
}

function plotlySetup(): void {
  const w = window as unknown as { Plotly?: unknown };
  if (w.Plotly || document.querySelector('script[src$="plotly.min.js"]')) return; // loaded, or the page's loader is fetching it
  const s = document.createElement("script");
  s.src = `${assets}/plotly.min.js`;
  s.onload = () => new Function(DRAIN_PLOT_QUEUE)();
  document.body.append(s);
}

function show(plot: Plot): void {
  plotlySetup();
  lib.showHtml(plotHtml(plot), describePlot(plot));
}

/** forEachBatch that yields to the browser every ~50 ms, so the page paints while a cell trains. */
async function forEachBatch(
  ds: BatchSource,
  batchSize: number,
  options: BatchOptions,
  fn: (x: tf.Tensor4D, y: tf.Tensor2D, step: number) => void | Promise<void>,
): Promise<number> {
  let last = performance.now();
  return lib.forEachBatch(ds, batchSize, options, async (x, y, step) => {
    await fn(x, y, step);
    if (performance.now() - last > 50) {
      await tf.nextFrame();
      last = performance.now();
    }
  });
}

const tsdl = {
  ...lib,
  selectBackend,
  plotlySetup,
  show,
  forEachBatch,
  loadMnist(options: LoadDatasetOptions = {}) {
    checkLoadMnist(options);
    return lib.loadMnist(options);
  },
  mnistDigits(split: "train" | "test", count: number, offset = 0) {
    checkDigits(split, count, offset);
    return lib.mnistDigits(split, count, offset);
  },
  readMnistSplitSync(dir: string, split: "train" | "test") {
    const raw = lib.readMnistSplitSync(dir, split);
    return {
      count: raw.count,
      labels: raw.labels,
      get pixels(): Uint8Array {
        throw new NeedsKernelError(`readMnistSplitSync(…, "${split}").pixels: the page holds every label but only some images`);
      },
    };
  },
  loadFashionMnist(): never {
    throw new NeedsKernelError("the page holds no Fashion-MNIST images");
  },
};

const MODULES: Record<string, unknown> = {
  tsdl,
  "@tensorflow/tfjs": tf,
  "nodejs-polars": { ...polars, default: pl },
};

function importModule(name: string): unknown {
  if (!(name in MODULES)) throw new NeedsKernelError(`it imports "${name}"; the page has ${Object.keys(MODULES).join(", ")}`);
  return MODULES[name];
}

async function runCell(source: string, area: HTMLElement): Promise<boolean> {
  area.replaceChildren();
  const sink = areaSink(area);
  try {
    const cell = pageCell(source);
    for (const n of cell.names) if (!(n in scope)) scope[n] = undefined;
    // `with` puts the shared scope in front of the page's globals: the cell's assignments land in
    // it (every declared name is a key already) and later cells read them.
    const run = new Function("__scope", IMPORT_FUNCTION, `with (__scope) { return (async () => {\n${cell.code}\n})(); }`);
    const value = await capture(sink, () => run(scope, importModule) as Promise<unknown>);
    if (cell.returnsValue && value !== undefined) sink.text(`${inspect(value)}\n`, "stdout");
    return true;
  } catch (err) {
    const e = err as Error;
    const known = e instanceof NeedsKernelError || e instanceof CellSyntaxError;
    sink.text(
      `${e?.name ?? "Error"}: ${e?.message ?? String(err)}\n${known ? "" : (e?.stack ?? "").split("\n").slice(1, 4).join("\n")}`,
      "stderr",
    );
    return false;
  }
}

function reset(): void {
  for (const v of Object.values(scope)) {
    if (v instanceof tf.Tensor && !v.isDisposed) v.dispose();
  }
  scope = Object.create(null);
}

const runner: PageRunner = {
  async prepare(assetsFolder) {
    assets = assetsFolder;
    await selectBackend();
  },
  unpackMnist,
  runCell,
  reset,
};
(window as unknown as { tsdlRunner: PageRunner }).tsdlRunner = runner;
