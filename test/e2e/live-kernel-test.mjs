// `npm run test:live`: lessons run by a reader, in the Jupyter front ends a learner opens
// (JupyterLab 4 and Notebook 7 from the project's .venv/, see scripts/jupyter/requirements.txt),
// each started with the project's tslab kernel on a free loopback port and driven in headless
// Chromium through its menus, as a person would:
//   JupyterLab: Run → Run All Cells on the lesson; every cell runs, no cell fails, the expected
//     numbers are in the outputs and every plot draws. A small notebook with a failing cell: the
//     kernel's traceback (cell and line) shows as an error block and Run All stops there (the cell
//     after it never runs). One more notebook, one kernel: a small CNN training for 1,000
//     epochs shows its progress as one display updated in place, the toolbar's Stop ends it
//     within seconds with fit's TrainingInterruptedError and the next cell runs; the model, saved
//     with saveDemoModel, shows the drawing pad in the cell's output (scripts run: the output is
//     trusted), and a clicked test digit gets the probabilities the model gives in Node; Tab
//     after `tsdl.` opens the completer with the library's names, Shift-Tab after `tsdl.fit`
//     shows its signature and documentation.
//   Notebook 7: Run All Cells on the lesson, the same checks.
// Jupyter is shut down at the end, always. Screenshots go to out/screenshots/.
//
//   node test/e2e/live-kernel-test.mjs [NOTEBOOK] [--timeout SECONDS] [--out DIR]
//
// NOTEBOOK defaults to notebooks/01-convolution-basics.ipynb. The lesson is run from a copy in
// build/live-test/ (same depth under the project as notebooks/, so relative paths still hold):
// the committed notebook never gets outputs. LIVE_TEST_ONLY=REGEX runs only the checks whose
// label matches (while working on one); LIVE_TEST_VERBOSE=1 shows Jupyter's log. Needs `npm run build` and `bash scripts/setup.sh`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { findPython, INSTALL_HINT, jupyterEnv, root } from "../../scripts/jupyter/jupyter-env.mjs";

const require = createRequire(import.meta.url);

/** What each lesson must show once run: strings in its outputs and at least this many plots. */
const EXPECTED = {
  "01-convolution-basics.ipynb": { texts: ["12", "16", "24", "28"], minPlots: 1 },
};

/** A notebook whose second cell fails (line 2 of its source), and what the page must show for it. */
const FAILING = {
  cells: [
    'console.log("before");',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a cell's TypeScript, with its own template literal
    "function half(n: number): number {\n  if (n % 2 !== 0) throw new RangeError(`${n} is odd`);\n  return n / 2;\n}\nhalf(3);",
    'console.log("after");',
  ],
  error: ["RangeError: 3 is odd", "at half (In [2]:2:", "In [2], line 2:"],
};

/**
 * A small CNN on 1,000 MNIST digits for 1,000 epochs: only Stop ends it. The cell after it uses
 * the model and what the stopped cell declared; the next saves the model for the drawing pad
 * (saveDemoModel's output carries tfjs, the model and the pad inline; DEMO_DIR is filled in).
 * The last two, never run, are for completion and inspection: one kernel for all of these.
 * No shorthand property for an earlier cell's name (`{ train }`): tslab 1.0.22 leaves it
 * unresolved (ReferenceError).
 */
const TRAINING = {
  cells: [
    'import * as tsdl from "tsdl";\nconst tf = tsdl.tf;\nawait tsdl.selectBackend();\n' +
      'const digits = tsdl.mnistDigits("train", 1000);\n' +
      "const trainSet = { xs: digits.xs, ys: tf.oneHot(digits.labels, 10).toFloat() as tsdl.tf.Tensor2D, size: 1000 };\n" +
      "const model = tsdl.cnn({ seed: 1, filters: [4, 8], denseUnits: 16 });",
    "const before = 42;\nawait tsdl.fit(model, { train: trainSet }, { epochs: 1000, batchSize: 50, lr: 1e-3 });",
    'console.log("after Stop:", before, (model.predict(trainSet.xs) as tsdl.tf.Tensor).shape);',
    'const test = tsdl.mnistDigits("test", 100);\n' +
      "const testSet = { xs: test.xs, ys: tf.oneHot(test.labels, 10).toFloat() as tsdl.tf.Tensor2D, labels: test.labels, size: 100 };\n" +
      "const saved = await tsdl.saveDemoModel(model, DEMO_DIR, { test: testSet, evaluation: tsdl.evaluate(model, testSet) });",
    "tsdl.", // never run: Tab here (checkCompletion) …
    "tsdl.fit", // … and Shift-Tab here
  ],
  interrupted: "TrainingInterruptedError: fit: training interrupted",
  after: "after Stop: 42 [ 1000, 10 ]",
};
/** fit's error must come before the kernel gives up waiting for it (its bare "Interrupted" after 10 s). */
const STOP_LIMIT_S = 10;
/** The pad's probabilities against the same model in Node. */
const PAD_TOLERANCE = 1e-4;

const START_TIMEOUT_MS = 180_000;
const KERNEL_TIMEOUT_MS = 120_000;
const PLOT_TIMEOUT_MS = 30_000;

function parseArgs(argv) {
  const opts = { notebook: join(root, "notebooks", "01-convolution-basics.ipynb"), timeout: 900, out: join(root, "out") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") opts.out = resolve(argv[++i] ?? usage("--out needs a folder"));
    else if (a.startsWith("--out=")) opts.out = resolve(a.slice("--out=".length));
    else if (a === "--timeout" || a.startsWith("--timeout=")) {
      const v = Number(a.includes("=") ? a.split("=")[1] : argv[++i]);
      if (!Number.isFinite(v) || v <= 0) usage(`--timeout needs a number of seconds, got "${a}"`);
      opts.timeout = v;
    } else if (a.startsWith("-")) usage(`unknown option "${a}"`);
    else opts.notebook = resolve(a);
  }
  return opts;
}

function usage(message) {
  console.error(
    `live-test: ${message}\nusage: node test/e2e/live-kernel-test.mjs [NOTEBOOK.ipynb] [--timeout SECONDS] [--out DIR (default out/; screenshots in DIR/screenshots/)]`,
  );
  process.exit(2);
}

/** A path as the user can read it: relative to the project when inside it, else absolute. */
function shown(path) {
  const r = relative(root, path);
  return r.startsWith("..") ? path : r;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** JupyterLab or Notebook 7 (app) on 127.0.0.1:port with a random token; stop() always ends it and its kernels. */
async function startJupyter(python, app, log) {
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const runtime = mkdtempSync(join(tmpdir(), "tsdl-jupyter-runtime-"));
  const config = mkdtempSync(join(tmpdir(), "tsdl-jupyter-config-"));
  // A private runtime dir (connection files) and config dir (no user settings such as a password);
  // the data dir stays the default one: it holds the secret that signs notebooks.
  const env = jupyterEnv({ JUPYTER_RUNTIME_DIR: runtime, JUPYTER_CONFIG_DIR: config });
  const args = [
    "-m",
    app,
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${root}`,
    // No news or update checks: the test runs offline and must not wait on them.
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    // CI runs as root, and Jupyter refuses root unless told (it only serves loopback here).
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ];
  // Its own process group, so a last-resort kill reaches the kernels it started too.
  const child = spawn(python, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
    log(String(chunk));
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = null;
  const exit = new Promise((r) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      r(exited);
    }),
  );
  const base = `http://127.0.0.1:${port}/`;
  const api = (path, init = {}) => fetch(`${base}${path}`, { ...init, headers: { Authorization: `token ${token}` } });
  const stop = async () => {
    if (exited === null) {
      await api("api/shutdown", { method: "POST" }).catch(() => {});
      await Promise.race([exit, sleep(10_000)]);
    }
    if (exited === null) {
      try {
        process.kill(child.pid, "SIGTERM");
      } catch {}
      await Promise.race([exit, sleep(5_000)]);
    }
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {} // leftovers of the group (kernels), if any
    rmSync(runtime, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`Jupyter (${app}) exited at start (${exited.code ?? exited.signal}):\n${output.trim()}`);
    }
    const res = await api("api/status").catch(() => null);
    if (res?.ok) break;
    if (Date.now() - started > START_TIMEOUT_MS) {
      await stop();
      throw new Error(`Jupyter (${app}) did not answer on ${base} within ${START_TIMEOUT_MS / 1000} s:\n${output.trim()}`);
    }
    await sleep(300);
  }
  /** The execution state ("idle", "busy", "starting") of the kernel of the notebook at path. */
  const kernelState = async (path) => {
    const sessions = await (await api("api/sessions")).json();
    return sessions.find((x) => x.path === path || x.notebook?.path === path)?.kernel?.execution_state ?? null;
  };
  /** Shuts down the kernel of the notebook at path: one kernel at a time on a 2-core machine. */
  const closeSession = async (path) => {
    const sessions = await (await api("api/sessions")).json();
    for (const x of sessions.filter((x) => x.path === path || x.notebook?.path === path))
      await api(`api/sessions/${x.id}`, { method: "DELETE" });
  };
  return { app, base, token, stop, kernelState, closeSession, output: () => output };
}

// ---- In the page (JupyterLab 4 and Notebook 7 share JupyterLab's notebook widgets) ----

/** Per code cell: its prompt ("" not run, "*" queued or running, a number), stream text, error blocks. */
function cellStates() {
  return [...document.querySelectorAll(".jp-Notebook .jp-CodeCell")].map((cell) => {
    const prompt = (cell.querySelector(".jp-InputArea-prompt")?.textContent ?? "").replace(/[[\]:\s]/g, "");
    const outputs = [...cell.querySelectorAll(".jp-OutputArea-output")];
    return {
      prompt,
      source: cell.querySelector(".jp-InputArea-editor")?.textContent ?? "",
      text: outputs
        .filter((o) => o.dataset.mimeType === "application/vnd.jupyter.stdout")
        .map((o) => o.textContent)
        .join(""),
      // Error outputs (the kernel's traceback) render as stderr, like a stream to stderr.
      errors: outputs.filter((o) => o.dataset.mimeType === "application/vnd.jupyter.stderr").map((o) => o.textContent),
    };
  });
}

function pageOutputs() {
  const plots = [...document.querySelectorAll(".jp-OutputArea .tsdl-plot")];
  return {
    text: [...document.querySelectorAll(".jp-OutputArea-output")].map((el) => el.textContent).join("\n"),
    plots: plots.length,
    drawn: plots.filter((p) => p.querySelector(".main-svg") !== null).length,
  };
}

function allPlotsDrawn() {
  const plots = [...document.querySelectorAll(".jp-OutputArea .tsdl-plot")];
  return plots.length > 0 && plots.every((p) => p.querySelector(".main-svg") !== null);
}

// ----

/** Console errors of Jupyter's own page, not of the lesson. */
function isJupyterNoise(msg) {
  const text = msg.text();
  // JupyterLab asks the server for optional things it may lack (a 404 it handles itself).
  return /Failed to load resource: the server responded with a status of 404/.test(text);
}

/**
 * Page errors of Jupyter's own code: JupyterLab's debugger panel throws the first for a kernel
 * without a debugger (tslab has none); Notebook 7.6.3's keyboard-shortcuts plugin the second, in
 * its pluginChanged handler, when another plugin's settings load after it (its own bundle,
 * notebook_core; on every Notebook 7 page in three runs on 2026-12-07, the notebook ran all
 * the same).
 */
function isJupyterPageNoise(err) {
  if (err.message === "No active debugger session") return true;
  return (
    err.message === "Cannot read properties of undefined (reading 'schema')" &&
    /\/static\/notebook\/notebook_core\.[0-9a-f]+\.js/.test(err.stack?.split("\n")[1] ?? "")
  );
}

/**
 * The notebook's URL in each front end. In JupyterLab, a workspace of its own: the default one
 * would reopen the notebooks of earlier checks beside it (their cells in the same page).
 */
function notebookUrl(jupyter, path) {
  const where = jupyter.app === "jupyterlab" ? `lab/workspaces/${randomBytes(6).toString("hex")}/tree` : "notebooks";
  return `${jupyter.base}${where}/${encodeURI(path)}?token=${jupyter.token}`;
}

async function openNotebook(context, jupyter, file, problems, label) {
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" && !isJupyterNoise(msg)) problems.push(`${label}: console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => isJupyterPageNoise(err) || problems.push(`${label}: uncaught exception: ${err.message}`));
  const path = relative(root, file).split("\\").join("/");
  await page.goto(notebookUrl(jupyter, path), { waitUntil: "load", timeout: START_TIMEOUT_MS });
  await page.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: START_TIMEOUT_MS });
  const started = Date.now();
  while ((await jupyter.kernelState(path)) !== "idle") {
    if (Date.now() - started > KERNEL_TIMEOUT_MS) {
      throw new Error(
        `${label}: the kernel did not become ready within ${KERNEL_TIMEOUT_MS / 1000} s (is the "tslab" kernelspec in build/jupyter? run npm run build)`,
      );
    }
    await sleep(300);
  }
  return { page, path };
}

/** Run → Run All Cells, from the menu bar as a reader would. */
async function runAll(page) {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
}

/** Waits until no cell is queued or running and the kernel is idle; returns the cells then. */
async function settle(page, jupyter, path, timeoutMs, done = () => false) {
  const started = Date.now();
  for (;;) {
    const cells = await page.evaluate(cellStates);
    const quiet = cells.every((c) => c.prompt !== "*") && (await jupyter.kernelState(path)) === "idle";
    if ((quiet && cells.some((c) => c.prompt !== "")) || done(cells))
      return { cells, seconds: (Date.now() - started) / 1000, timedOut: false };
    if (Date.now() - started > timeoutMs) return { cells, seconds: timeoutMs / 1000, timedOut: true };
    await sleep(500);
  }
}

/** Cell i's outputs: how many, their text, its error blocks' text, whether an HTML progress bar is among them. */
function cellOutputs(i) {
  const cell = document.querySelectorAll(".jp-Notebook .jp-CodeCell")[i];
  const outputs = [...(cell?.querySelectorAll(".jp-OutputArea-output") ?? [])];
  return {
    prompt: (cell?.querySelector(".jp-InputArea-prompt")?.textContent ?? "").replace(/[[\]:\s]/g, ""),
    count: outputs.length,
    text: outputs.map((o) => o.textContent).join("\n"),
    errors: outputs
      .filter((o) => o.dataset.mimeType === "application/vnd.jupyter.stderr")
      .map((o) => o.textContent)
      .join("\n"),
    progress: cell?.querySelector(".jp-OutputArea-output progress") != null,
  };
}

function checkExpected(label, name, out, problems) {
  const expected = EXPECTED[name];
  if (!expected) return;
  for (const t of expected.texts) if (!out.text.includes(t)) problems.push(`${label}: expected "${t}" in the outputs, not found`);
  if (out.plots < expected.minPlots) problems.push(`${label}: expected at least ${expected.minPlots} plot(s), found ${out.plots}`);
}

function writeNotebook(file, sources) {
  const cells = sources.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }));
  const metadata = { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } };
  writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }));
}

/** Run All on the lesson: every cell runs, none fails, the numbers are there, the plots draw. */
async function checkLesson(context, jupyter, copy, name, shots, problems, label, timeoutMs) {
  const { page, path } = await openNotebook(context, jupyter, copy, problems, label);
  await runAll(page);
  const { cells, seconds, timedOut } = await settle(page, jupyter, path, timeoutMs, (cs) => cs.some((c) => c.errors.length));
  const run = cells.filter((c) => /^\d+$/.test(c.prompt)).length;
  const code = cells.filter((c) => c.source.trim() !== "").length;
  if (timedOut) problems.push(`${label}: not finished after ${timeoutMs / 1000} s: ${run}/${code} cells run`);
  for (const c of cells)
    for (const e of c.errors) problems.push(`${label}: a cell failed:\n      ${e.split("\n").slice(0, 12).join("\n      ")}`);
  if (run < code) problems.push(`${label}: ${code - run} of ${code} code cells did not run`);
  await page.waitForFunction(allPlotsDrawn, null, { timeout: PLOT_TIMEOUT_MS }).catch(() => {});
  const out = await page.evaluate(pageOutputs);
  if (out.drawn < out.plots) problems.push(`${label}: ${out.plots - out.drawn} of ${out.plots} plot(s) did not draw`);
  checkExpected(label, name, out, problems);
  await page.screenshot({ path: join(shots, `${jupyter.app}-${basename(name, ".ipynb")}.png`), fullPage: true });
  await page.close();
  await jupyter.closeSession(path);
  return `Run All: ${run}/${code} cells run in ${seconds.toFixed(1)} s, ${out.drawn}/${out.plots} plots drawn`;
}

/** Runs FAILING with Run All; checks the error block and that the cell after it did not run. */
async function checkFailingCell(context, jupyter, file, shots, problems, label, timeoutMs) {
  writeNotebook(file, FAILING.cells);
  const { page, path } = await openNotebook(context, jupyter, file, problems, label);
  await runAll(page);
  const { cells, timedOut } = await settle(page, jupyter, path, timeoutMs);
  if (timedOut) problems.push(`${label}: not settled after ${timeoutMs / 1000} s: ${JSON.stringify(cells)}`);
  const [before, failing, after] = cells;
  if (!before.text.includes("before")) problems.push(`${label}: the first cell did not print "before"`);
  const block = failing.errors.join("\n");
  if (failing.errors.length !== 1) problems.push(`${label}: expected one error block in the failing cell, found ${failing.errors.length}`);
  for (const t of FAILING.error) if (!block.includes(t)) problems.push(`${label}: the error block lacks "${t}":\n${block}`);
  if (after.text || after.errors.length || /^\d+$/.test(after.prompt)) {
    problems.push(`${label}: the cell after the failing one ran (stop_on_error should abort it): ${JSON.stringify(after)}`);
  }
  await page.screenshot({ path: join(shots, `${jupyter.app}-failing-cell.png`), fullPage: true });
  await page.close();
  await jupyter.closeSession(path);
  return `error block with the traceback (${block.split("\n").filter((l) => l.trim()).length} lines), the cell after it not run`;
}

/** What Shift-Tab after `tsdl.fit` must show: fit's signature and its TSDoc. */
const INSPECTION = ["fit(model: tf.LayersModel, data: FitData, options: FitOptions): Promise<History>", "Trains `model`"];

/**
 * In TRAINING's notebook (its set-up cell has imported tsdl): Tab after `tsdl.` opens the
 * completer with the library's names; Shift-Tab after `tsdl.fit` shows the tooltip with fit's
 * signature and documentation.
 */
async function checkCompletion(page, jupyter, shots, problems, label) {
  const at = TRAINING.cells.indexOf("tsdl.");
  const editor = page.locator(".jp-Notebook .jp-CodeCell").nth(at).locator(".cm-content");
  await editor.focus(); // a click may land on JupyterLab's notification toasts
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Tab");
  const items = page.locator(".jp-Completer .jp-Completer-item");
  await items
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => {});
  // The completer adds its items a batch per animation frame: read them once their count holds.
  for (let seen = -1, count = await items.count(), k = 0; count !== seen && k < 40; k++) {
    await sleep(250);
    [seen, count] = [count, await items.count()];
  }
  const names = await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-value") ?? e.textContent.trim()));
  for (const n of ["selectBackend", "toTensor4D", "formatMatrix"])
    if (!names.includes(n))
      problems.push(`${label}: the completer lacks "${n}" (it offered ${names.length}: ${names.slice(0, 8).join(", ")}…)`);
  await page.screenshot({ path: join(shots, `${jupyter.app}-completion.png`) });
  await page.keyboard.press("Escape"); // closes the completer

  await page.locator(".jp-Notebook .jp-CodeCell").nth(TRAINING.cells.indexOf("tsdl.fit")).locator(".cm-content").focus();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Shift+Tab");
  const tooltip = page.locator(".jp-Tooltip");
  await tooltip
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => {});
  const shown = (await tooltip.allTextContents()).join("\n");
  for (const t of INSPECTION)
    if (!shown.includes(t))
      problems.push(`${label}: Shift-Tab after "tsdl.fit" does not show "${t}"; the tooltip: ${JSON.stringify(shown.slice(0, 300))}`);
  await page.screenshot({ path: join(shots, `${jupyter.app}-inspection.png`) });
  await page.keyboard.press("Escape");
  return `Tab after "tsdl." offers ${names.length} names; Shift-Tab after "tsdl.fit" shows its signature and documentation (${shown.split("\n").length} lines)`;
}

/** Runs cell i of the open notebook with Shift+Enter, as a reader does (the editor focused first: a click may land on a toast). */
async function runCell(page, i) {
  await page.locator(".jp-Notebook .jp-CodeCell").nth(i).locator(".cm-content").focus();
  await page.keyboard.press("Shift+Enter");
}

/** Waits for cell i to satisfy ok(outputs) (page side: cellOutputs); returns its outputs then, or throws saying what it showed. */
async function waitForCell(page, i, ok, timeoutMs, what) {
  const started = Date.now();
  for (;;) {
    const out = await page.evaluate(cellOutputs, i);
    if (ok(out)) return out;
    if (Date.now() - started > timeoutMs)
      throw new Error(`${what} within ${timeoutMs / 1000} s; cell ${i + 1} shows [${out.prompt}] ${JSON.stringify(out.text.slice(-400))}`);
    await sleep(200);
  }
}

/**
 * TRAINING's training cell: its progress updates one display in place (one output whose text
 * changes, with an HTML progress bar), the toolbar's Stop ends it within STOP_LIMIT_S with fit's
 * own error, and the next cell runs with the model and the stopped cell's declarations.
 * Leaves the page open (in `opened`: page and path) for checkPad and checkCompletion.
 */
async function checkStop(context, jupyter, file, demoDir, opened, shots, problems, label, timeoutMs) {
  const cells = TRAINING.cells.map((c) => c.replace("DEMO_DIR", JSON.stringify(demoDir)));
  writeNotebook(file, cells);
  const { page } = Object.assign(opened, await openNotebook(context, jupyter, file, problems, label));
  const numbered = (out) => /^\d+$/.test(out.prompt);
  await runCell(page, 0);
  const setUp = await waitForCell(page, 0, numbered, timeoutMs, "the set-up cell did not finish");
  if (setUp.errors) throw new Error(`the set-up cell failed: ${setUp.errors.slice(0, 600)}`);
  await runCell(page, 1);
  // Three looks at the running cell, a second apart: one output each time, its text updated
  // (the bar shows while an epoch runs, the table of finished epochs above it).
  const looks = [await waitForCell(page, 1, (o) => o.progress, timeoutMs, "no progress bar in the training cell")];
  for (let k = 0; k < 2; k++) {
    await sleep(1000);
    looks.push(await page.evaluate(cellOutputs, 1));
  }
  if (looks.some((o) => o.count !== 1))
    problems.push(
      `${label}: the training cell's progress is not one display updated in place: ${looks.map((o) => o.count).join(", ")} outputs in three looks`,
    );
  if (new Set(looks.map((o) => o.text)).size < 2)
    problems.push(`${label}: the progress did not change in two seconds: ${JSON.stringify(looks[0].text.slice(-200))}`);
  if (looks.some(numbered)) problems.push(`${label}: the training cell ended before Stop: ${JSON.stringify(looks.at(-1))}`);
  await page.screenshot({ path: join(shots, `${jupyter.app}-training-progress.png`) });

  const clicked = Date.now();
  await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').click();
  const stopped = await waitForCell(page, 1, numbered, timeoutMs, "Stop did not end the training cell");
  const stopSeconds = (Date.now() - clicked) / 1000;
  if (!stopped.errors.includes(TRAINING.interrupted))
    problems.push(
      `${label}: the stopped cell's error block does not say "${TRAINING.interrupted}": ${JSON.stringify(stopped.text.slice(-400))}`,
    );
  if (stopSeconds > STOP_LIMIT_S)
    problems.push(`${label}: Stop took ${stopSeconds.toFixed(1)} s to end the training cell (limit ${STOP_LIMIT_S} s)`);
  await runCell(page, 2);
  const after = await waitForCell(page, 2, numbered, timeoutMs, "the cell after the stopped one did not run");
  if (!after.text.includes(TRAINING.after))
    problems.push(`${label}: the cell after Stop printed ${JSON.stringify(after.text)}, expected "${TRAINING.after}"`);
  await page.screenshot({ path: join(shots, `${jupyter.app}-stopped.png`), fullPage: true });
  const texts = new Set(looks.map((o) => o.text)).size;
  return `progress: one output, ${texts} different texts in 2 s; Stop ended training in ${stopSeconds.toFixed(1)} s with TrainingInterruptedError; the next cell ran`;
}

/**
 * TRAINING's last cell saves the stopped model for the pad; in its output (trusted: this session
 * ran it) the pad mounts, and a click on its first test digit shows the probabilities the same
 * model gives in Node for the pad's 28×28 input.
 */
async function checkPad(page, jupyter, demoDir, shots, problems, label, timeoutMs) {
  await runCell(page, 3);
  const saved = await waitForCell(page, 3, (o) => /^\d+$/.test(o.prompt), timeoutMs, "the save cell did not finish");
  if (saved.errors) throw new Error(`the save cell failed: ${saved.errors.slice(0, 600)}`);
  await page.waitForFunction(() => document.querySelector(".jp-OutputArea .tsdl-demo")?.tsdlDemo !== undefined, null, {
    timeout: timeoutMs,
  });
  await page.locator(".tsdl-demo .tsdl-demo-example").first().click();
  await page.waitForFunction(
    () => {
      const s = document.querySelector(".tsdl-demo").tsdlDemo;
      return s.probabilities && s.predicted === s.changes;
    },
    null,
    { timeout: timeoutMs },
  );
  const got = await page.evaluate(() => {
    const s = document.querySelector(".tsdl-demo").tsdlDemo;
    return { input: s.input, probabilities: s.probabilities };
  });
  await page.locator(".tsdl-demo").screenshot({ path: join(shots, `${jupyter.app}-pad.png`) });

  const tf = require("@tensorflow/tfjs");
  require(join(root, "build", "src", "models", "seeded-dropout.js")); // registers SeededDropout with this tf
  const { readDemoManifest, demoPayload } = require(join(root, "build", "src", "demo", "manifest.js"));
  const { payloadArtifacts } = require(join(root, "build", "src", "demo", "payload.js"));
  await tf.setBackend("cpu");
  const file = join(demoDir, "demo.json");
  const manifest = readDemoManifest(file, JSON.parse(readFileSync(file, "utf8")).id);
  const model = await tf.loadLayersModel(tf.io.fromMemory(payloadArtifacts(demoPayload(demoDir, manifest))));
  const expected = tf.tidy(() => Array.from(model.predict(tf.tensor4d(got.input, [1, 28, 28, 1])).dataSync()));
  model.dispose();
  const argmax = (a) => a.indexOf(Math.max(...a));
  const diff = Math.max(...expected.map((p, k) => Math.abs(p - got.probabilities[k])));
  if (argmax(expected) !== argmax(got.probabilities))
    problems.push(`${label}: the pad reads ${argmax(got.probabilities)}, the same model in Node ${argmax(expected)}`);
  if (!(diff <= PAD_TOLERANCE))
    problems.push(`${label}: the pad's probabilities differ from Node's by ${diff.toExponential(2)} (> ${PAD_TOLERANCE})`);
  return `the pad in the save cell's output reads its first test digit as ${argmax(got.probabilities)}, as the model in Node does (max |Δp| ${diff.toExponential(1)})`;
}

async function main() {
  const begun = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  const name = basename(opts.notebook);
  if (!existsSync(opts.notebook)) usage(`${opts.notebook} not found`);
  if (!EXPECTED[name])
    console.log(`live-test: no expected outputs listed for ${name}: checking only that it runs cleanly and its plots draw`);
  const python = findPython(["jupyterlab", "notebook"]);
  if (!python) throw new Error(`JupyterLab and Notebook 7 were not found in any Python here. Install them with:\n  ${INSTALL_HINT}`);
  const chromiumJs = join(root, "build", "scripts", "site", "chromium.js");
  if (!existsSync(chromiumJs)) throw new Error(`${chromiumJs} missing: run "npm run build" first`);
  const { launchChromium } = require(chromiumJs);

  const work = join(root, "build", "live-test");
  const shots = join(opts.out, "screenshots");
  mkdirSync(work, { recursive: true });
  mkdirSync(shots, { recursive: true });
  const copy = join(work, name);
  copyFileSync(opts.notebook, copy);
  const failingCopy = join(work, "failing-cell.ipynb");
  const trainingCopy = join(work, "training.ipynb");
  const demoDir = join(work, "demo-model");

  const problems = []; // "label: text", label = the check the problem belongs to
  const results = []; // one line per check: { label, text }
  let current = "(start)";
  const verbose = process.env.LIVE_TEST_VERBOSE === "1";
  let jupyter;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await jupyter?.stop();
    for (const f of [copy, failingCopy, trainingCopy, demoDir]) rmSync(f, { recursive: true, force: true });
  };
  const onSignal = (sig) => {
    console.error(`live-test: ${sig}: shutting Jupyter down`);
    cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const only = process.env.LIVE_TEST_ONLY ? new RegExp(process.env.LIVE_TEST_ONLY) : null;
  const check = async (label, run) => {
    if (only && !only.test(label)) return;
    current = label;
    const started = Date.now();
    const took = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    try {
      results.push({ label, text: `${await run(label)} (${took()})` });
    } catch (err) {
      problems.push(`${label}: ${err.message ?? err}`);
      results.push({ label, text: `could not be checked (${took()})` });
    }
  };
  try {
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    for (const app of ["jupyterlab", "notebook"]) {
      const title = app === "jupyterlab" ? "JupyterLab" : "Notebook 7";
      const starting = Date.now();
      jupyter = await startJupyter(python, app, (s) => verbose && process.stderr.write(s));
      console.log(
        `live-test: ${title} on ${jupyter.base} (kernel from build/jupyter), up in ${((Date.now() - starting) / 1000).toFixed(1)} s`,
      );
      const origin = new URL(jupyter.base).origin;
      await browser.context.unroute("**/*").catch(() => {});
      await browser.context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(origin + "/")) return route.continue();
        problems.push(`${current}: request off the local Jupyter (aborted): ${url}`);
        return route.abort("blockedbyclient");
      });
      await check(`${title}: ${shown(opts.notebook)}`, (label) =>
        checkLesson(browser.context, jupyter, copy, name, shots, problems, label, opts.timeout * 1000),
      );
      if (app === "jupyterlab") {
        await check(`${title}: a failing cell`, (label) =>
          checkFailingCell(browser.context, jupyter, failingCopy, shots, problems, label, KERNEL_TIMEOUT_MS),
        );
        const training = {}; // page and path of TRAINING's notebook once open: the next checks use it
        await check(`${title}: a training cell`, (label) =>
          checkStop(browser.context, jupyter, trainingCopy, demoDir, training, shots, problems, label, KERNEL_TIMEOUT_MS),
        );
        const opened = (run) => (label) =>
          training.page ? run(label) : Promise.reject(new Error("not run: the training notebook did not open"));
        await check(
          `${title}: drawing pad`,
          opened((label) => checkPad(training.page, jupyter, demoDir, shots, problems, label, KERNEL_TIMEOUT_MS)),
        );
        await check(
          `${title}: completion and inspection`,
          opened((label) => checkCompletion(training.page, jupyter, shots, problems, label)),
        );
        await training.page?.close();
        if (training.path) await jupyter.closeSession(training.path);
      }
      // A page a failed check left open would keep calling the server after it stops.
      for (const page of browser.context.pages()) await page.close();
      await jupyter.stop();
      jupyter = undefined;
      copyFileSync(opts.notebook, copy); // JupyterLab may have autosaved outputs into the copy
    }
  } finally {
    await cleanup();
  }

  const failing = (label) => problems.some((p) => p.startsWith(`${label}: `));
  for (const r of results) console.log(`  ${failing(r.label) ? "FAIL" : "  ok"}  ${r.label}: ${r.text}`);
  console.log(`live-test: screenshots in ${shown(shots)}/`);
  if (problems.length) {
    console.log(`\nlive-test: ${problems.length} problem(s):`);
    for (const p of problems) console.log(`  - ${p}`);
  }
  const failed = results.filter((r) => failing(r.label)).length || (problems.length ? 1 : 0);
  console.log(`${results.length - failed} passed, ${failed} failed, in ${((Date.now() - begun) / 1000).toFixed(0)} s`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`live-test: ${err.message ?? err}`);
  process.exit(1);
});
