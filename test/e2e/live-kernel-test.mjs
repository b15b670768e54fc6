// `npm run test:live`: a lesson run by a reader. Starts Jupyter Notebook (classic, 6.x) with the
// project's tslab kernel on a free loopback port, opens the lesson in headless Chromium, runs it
// with Cell → Run All, waits until every cell has run and the kernel is idle, and checks that no
// cell failed, the expected numbers are in the outputs and every plot has drawn. Then opens the
// executed, signed copy from `npm run lessons` (out/executed/) without running it: Jupyter must
// trust it, so its plot scripts run and the plots show. Last, a small notebook with a failing
// cell: Jupyter must show the kernel's traceback (cell and line) as an error block, and Run All
// must stop there (the kernel aborts the queued cells). Jupyter is shut down at the end, always.
//
//   node test/e2e/live-kernel-test.mjs [NOTEBOOK] [--timeout SECONDS] [--out DIR] [--no-executed]
//
// NOTEBOOK defaults to notebooks/01-convolution-basics.ipynb. The lesson is run from a copy in
// build/live-test/ (same depth under the project as notebooks/, so relative paths still hold) and
// autosave is switched off: the committed notebook never gets outputs. Needs `npm run build`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
    "function half(n: number): number {\n  if (n % 2 !== 0) throw new RangeError(`${n} is odd`);\n  return n / 2;\n}\nhalf(3);",
    'console.log("after");',
  ],
  error: ["RangeError: 3 is odd", "at half (In [2]:2:", "In [2], line 2:"],
};

const START_TIMEOUT_MS = 60_000;
const KERNEL_TIMEOUT_MS = 120_000;
const PLOT_TIMEOUT_MS = 30_000;

function parseArgs(argv) {
  const opts = { notebook: join(root, "notebooks", "01-convolution-basics.ipynb"), timeout: 900, executed: true, out: join(root, "out") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-executed") opts.executed = false;
    else if (a === "--out") opts.out = resolve(argv[++i] ?? usage("--out needs a folder"));
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
  console.error(`live-test: ${message}\nusage: node test/e2e/live-kernel-test.mjs [NOTEBOOK.ipynb] [--timeout SECONDS] [--out DIR (default out/)] [--no-executed]`);
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

/** Jupyter Notebook on 127.0.0.1:port with a random token; stop() always ends it and its kernels. */
async function startJupyter(python, log) {
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const runtime = mkdtempSync(join(tmpdir(), "tsdl-jupyter-runtime-"));
  const config = mkdtempSync(join(tmpdir(), "tsdl-jupyter-config-"));
  // A private runtime dir (connection files) and config dir (no user settings such as a password);
  // the data dir stays the default one: it holds the secret that signed out/executed/*.ipynb.
  const env = jupyterEnv({ JUPYTER_RUNTIME_DIR: runtime, JUPYTER_CONFIG_DIR: config });
  const args = [
    "-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--NotebookApp.token=${token}`, `--notebook-dir=${root}`, "--NotebookApp.open_browser=False",
    // CI runs as root, and Notebook refuses root unless told (it only serves loopback here).
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
  const exit = new Promise((r) => child.once("exit", (code, signal) => r((exited = { code, signal }))));
  const base = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (exited === null) {
      await fetch(`${base}api/shutdown`, { method: "POST", headers: { Authorization: `token ${token}` } }).catch(() => {});
      await Promise.race([exit, sleep(10_000)]);
    }
    if (exited === null) {
      try { process.kill(child.pid, "SIGTERM"); } catch {}
      await Promise.race([exit, sleep(5_000)]);
    }
    try { process.kill(-child.pid, "SIGKILL"); } catch {} // leftovers of the group (kernels), if any
    rmSync(runtime, { recursive: true, force: true });
    rmSync(config, { recursive: true, force: true });
  };
  const started = Date.now();
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(`Jupyter exited at start (${exited.code ?? exited.signal}):\n${output.trim()}`);
    }
    const res = await fetch(`${base}api/status`, { headers: { Authorization: `token ${token}` } }).catch(() => null);
    if (res?.ok) break;
    if (Date.now() - started > START_TIMEOUT_MS) {
      await stop();
      throw new Error(`Jupyter did not answer on ${base} within ${START_TIMEOUT_MS / 1000} s:\n${output.trim()}`);
    }
    await sleep(300);
  }
  return { base, token, stop, output: () => output };
}

// ---- In the notebook page (classic Notebook 6 UI) ----

function notebookLoaded() {
  return Boolean(window.Jupyter?.notebook?._fully_loaded);
}

function kernelIdle() {
  const icon = document.getElementById("kernel_indicator_icon");
  return Boolean(window.Jupyter?.notebook?.kernel?.is_connected?.()) && icon?.classList.contains("kernel_idle_icon");
}

function runState() {
  const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code" && c.get_text().trim() !== "");
  const outputs = cells.flatMap((c) => c.output_area.outputs);
  const errors = outputs
    .filter((o) => o.output_type === "error" || (o.output_type === "stream" && o.name === "stderr"))
    .map((o) => (o.output_type === "error" ? (o.traceback?.join("\n") || `${o.ename}: ${o.evalue}`) : o.text).trim());
  const icon = document.getElementById("kernel_indicator_icon");
  return {
    total: cells.length,
    done: cells.filter((c) => typeof c.input_prompt_number === "number").length,
    running: cells.filter((c) => c.input_prompt_number === "*").length,
    idle: Boolean(icon?.classList.contains("kernel_idle_icon")),
    errors,
  };
}

function pageOutputs() {
  const plots = [...document.querySelectorAll(".output_area .tsdl-plot")];
  return {
    text: [...document.querySelectorAll(".output_subarea")].map((el) => el.textContent).join("\n"),
    plots: plots.length,
    drawn: plots.filter((p) => p.querySelector(".main-svg") !== null).length,
    trusted: Jupyter.notebook.trusted,
  };
}

/** Per code cell: its prompt number (or null), stream text and error blocks' text. */
function cellStates() {
  return Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").map((c) => ({
    prompt: c.input_prompt_number ?? null,
    text: [...c.output_area.element[0].querySelectorAll(".output_stream")].map((el) => el.textContent).join(""),
    errors: [...c.output_area.element[0].querySelectorAll(".output_error")].map((el) => el.textContent),
  }));
}

function allPlotsDrawn() {
  const plots = [...document.querySelectorAll(".output_area .tsdl-plot")];
  return plots.length > 0 && plots.every((p) => p.querySelector(".main-svg") !== null);
}

/** Notebook 6 scrolls the cells inside #site; let the page grow so a full-page screenshot has them all. */
function unclipNotebook() {
  for (const el of [document.documentElement, document.body, document.getElementById("site")]) {
    if (el) Object.assign(el.style, { height: "auto", overflow: "visible" });
  }
}

// ----

/** Notebook 6's main.js always tries to load ipywidgets' extension ("hardcoded widgets hack"). */
const WIDGETS_PROBE = "/nbextensions/widgets/notebook/js/extension.js";

/**
 * Console errors of Jupyter's own page, not of the lesson:
 * - the MathJax 2 that Notebook 6 loads probes for web fonts with a url(about:blank) @font-face,
 *   which Chromium blocks and logs;
 * - without ipywidgets (we don't need it), Notebook 6's probe for its extension gets a 404 HTML
 *   page, which Chromium logs twice: the 404, and the refusal to run text/html as a script.
 */
function isJupyterNoise(msg) {
  const url = msg.location().url ?? "";
  const text = msg.text();
  return url === "about:blank" || text.includes("Access to font at 'about:blank'") || url.includes(WIDGETS_PROBE) || text.includes(WIDGETS_PROBE);
}

async function openNotebook(context, jupyter, file, problems, label) {
  const page = await context.newPage();
  page.on("console", (msg) => {
    if (msg.type() === "error" && !isJupyterNoise(msg)) problems.push(`${label}: console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`${label}: uncaught exception: ${err.message}`));
  const path = relative(root, file).split("\\").join("/");
  await page.goto(`${jupyter.base}notebooks/${encodeURI(path)}?token=${jupyter.token}`, { waitUntil: "load", timeout: START_TIMEOUT_MS });
  await page.waitForFunction(notebookLoaded, null, { timeout: START_TIMEOUT_MS });
  // Never write the notebook: no autosave while the test runs cells in it.
  await page.evaluate(() => Jupyter.notebook.set_autosave_interval(0));
  await page.waitForFunction(kernelIdle, null, { timeout: KERNEL_TIMEOUT_MS }).catch(() => {
    throw new Error(`${label}: the kernel did not become ready within ${KERNEL_TIMEOUT_MS / 1000} s (is the "tslab" kernelspec in build/jupyter? run npm run build)`);
  });
  return page;
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

/** Runs FAILING with Run All; checks the error block and that the cells after it did not run. */
async function checkFailingCell(context, jupyter, file, problems, label, timeoutMs) {
  writeNotebook(file, FAILING.cells);
  const page = await openNotebook(context, jupyter, file, problems, label);
  await page.click("#celllink");
  await page.click("#run_all_cells");
  const started = Date.now();
  let cells;
  for (;;) {
    cells = await page.evaluate(cellStates);
    const settled = cells.every((c) => c.prompt !== "*") && (await page.evaluate(kernelIdle));
    if (settled && cells[1].errors.length > 0) break;
    if (Date.now() - started > timeoutMs) {
      problems.push(`${label}: not settled after ${timeoutMs / 1000} s: ${JSON.stringify(cells)}`);
      break;
    }
    await sleep(300);
  }
  const [before, failing, after] = cells;
  if (!before.text.includes("before")) problems.push(`${label}: the first cell did not print "before"`);
  const block = failing.errors.join("\n");
  if (failing.errors.length !== 1) problems.push(`${label}: expected one error block in the failing cell, found ${failing.errors.length}`);
  for (const t of FAILING.error) if (!block.includes(t)) problems.push(`${label}: the error block lacks "${t}":\n${block}`);
  if (after.text || after.errors.length || typeof after.prompt === "number") {
    problems.push(`${label}: the cell after the failing one ran (stop_on_error should abort it): ${JSON.stringify(after)}`);
  }
  await page.evaluate(unclipNotebook);
  await page.screenshot({ path: file.replace(/\.ipynb$/, ".png"), fullPage: true });
  await page.close();
  return `error block with the traceback (${block.split("\n").filter((l) => l.trim()).length} lines), the cell after it not run`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const name = basename(opts.notebook);
  if (!existsSync(opts.notebook)) usage(`${opts.notebook} not found`);
  if (!EXPECTED[name]) console.log(`live-test: no expected outputs listed for ${name}: checking only that it runs cleanly and its plots draw`);
  const python = findPython(["notebook"]);
  if (!python) throw new Error(`Jupyter Notebook was not found in any Python here. Install it with:\n  ${INSTALL_HINT}`);
  const chromiumJs = join(root, "build", "scripts", "site", "chromium.js");
  if (!existsSync(chromiumJs)) throw new Error(`${chromiumJs} missing: run "npm run build" first`);
  const { launchChromium } = require(chromiumJs);

  const work = join(root, "build", "live-test");
  mkdirSync(work, { recursive: true });
  const copy = join(work, name);
  copyFileSync(opts.notebook, copy);
  const executedSource = join(opts.out, "executed", name);
  const executedCopy = join(work, `executed-${name}`);
  const failingCopy = join(work, "failing-cell.ipynb");

  const problems = []; // "label: text", label = the notebook the problem belongs to
  const results = []; // one line per check: { label, text }
  let current = "(start)";
  const verbose = process.env.LIVE_TEST_VERBOSE === "1";
  let jupyter;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await jupyter?.stop();
    rmSync(copy, { force: true });
    rmSync(executedCopy, { force: true });
    rmSync(failingCopy, { force: true });
  };
  const onSignal = (sig) => {
    console.error(`live-test: ${sig}: shutting Jupyter down`);
    cleanup().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    jupyter = await startJupyter(python, (s) => verbose && process.stderr.write(s));
    console.log(`live-test: Jupyter Notebook on ${jupyter.base} (kernel from build/jupyter), running ${shown(opts.notebook)}`);
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    const origin = new URL(jupyter.base).origin;
    await browser.context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + "/")) return route.continue();
      problems.push(`${current}: request off the local Jupyter (aborted): ${url}`);
      return route.abort("blockedbyclient");
    });

    // 1. Run the lesson as a reader would: Cell → Run All.
    const label = shown(opts.notebook);
    current = label;
    const page = await openNotebook(browser.context, jupyter, copy, problems, label);
    const started = Date.now();
    await page.click("#celllink");
    await page.click("#run_all_cells");
    let state;
    for (;;) {
      state = await page.evaluate(runState);
      if (state.errors.length) break;
      if (state.running === 0 && state.done === state.total && state.idle) break;
      if (Date.now() - started > opts.timeout * 1000) {
        problems.push(`${label}: not finished after ${opts.timeout} s: ${state.done}/${state.total} cells run, ${state.running} waiting`);
        break;
      }
      await sleep(500);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    for (const e of state.errors) problems.push(`${label}: a cell failed:\n      ${e.split("\n").slice(0, 12).join("\n      ")}`);
    if (!state.errors.length && state.done === state.total) {
      await page.waitForFunction(allPlotsDrawn, null, { timeout: PLOT_TIMEOUT_MS }).catch(() => {});
    }
    const out = await page.evaluate(pageOutputs);
    if (out.drawn < out.plots) problems.push(`${label}: ${out.plots - out.drawn} of ${out.plots} plot(s) did not draw`);
    checkExpected(label, name, out, problems);
    await page.evaluate(unclipNotebook);
    await page.screenshot({ path: join(work, basename(name, ".ipynb") + ".png"), fullPage: true });
    results.push({ label, text: `${state.done}/${state.total} cells run in ${seconds} s, ${out.drawn}/${out.plots} plots drawn` });
    await page.close();

    // 2. The executed, signed copy: trusted on open, so its plots draw without running anything.
    if (!opts.executed) {
      console.log("live-test: executed copy not checked (--no-executed)");
    } else if (!existsSync(executedSource)) {
      console.log(`live-test: executed copy not checked: ${shown(executedSource)} does not exist (run npm run lessons first)`);
    } else {
      copyFileSync(executedSource, executedCopy);
      const xlabel = shown(executedSource);
      current = xlabel;
      const xpage = await openNotebook(browser.context, jupyter, executedCopy, problems, xlabel);
      await xpage.waitForFunction(allPlotsDrawn, null, { timeout: PLOT_TIMEOUT_MS }).catch(() => {});
      const xout = await xpage.evaluate(pageOutputs);
      if (!xout.trusted) problems.push(`${xlabel}: Jupyter does not trust it (the runner's signature was not accepted), so its plots cannot draw`);
      if (xout.drawn < xout.plots) problems.push(`${xlabel}: ${xout.plots - xout.drawn} of ${xout.plots} plot(s) did not draw on open`);
      checkExpected(xlabel, name, xout, problems);
      await xpage.evaluate(unclipNotebook);
      await xpage.screenshot({ path: join(work, `executed-${basename(name, ".ipynb")}.png`), fullPage: true });
      results.push({ label: xlabel, text: `opened without running: ${xout.trusted ? "trusted" : "NOT trusted"}, ${xout.drawn}/${xout.plots} plots drawn` });
      await xpage.close();
    }

    // 3. A failing cell, as a reader would see it.
    const flabel = "a failing cell";
    current = flabel;
    const ftext = await checkFailingCell(browser.context, jupyter, failingCopy, problems, flabel, KERNEL_TIMEOUT_MS);
    results.push({ label: flabel, text: ftext });
  } finally {
    await cleanup();
  }

  const failing = (label) => problems.some((p) => p.startsWith(`${label}: `));
  for (const r of results) console.log(`  ${failing(r.label) ? "FAIL" : "  ok"}  ${r.label}: ${r.text}`);
  console.log(`live-test: screenshots in ${shown(work)}/`);
  if (problems.length) {
    console.log(`\nlive-test: ${problems.length} problem(s):`);
    for (const p of problems) console.log(`  - ${p}`);
  }
  const failed = results.filter((r) => failing(r.label)).length || (problems.length ? 1 : 0);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`live-test: ${err.message ?? err}`);
  process.exit(1);
});
