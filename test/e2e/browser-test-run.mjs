// "Run it here", part of `npm run test:browser` (called from browser-test.mjs beside it; also
// runs alone: `node test/e2e/browser-test-run.mjs [--site DIR] [--all]`). Over the local server and
// again from file://:
//   - lesson 1: a new 2×2 filter (random, drawn here) is typed into the cell that convolves with
//     tf.conv2d, the cell's Run button runs it (and the cells above it first); its printed VALID
//     output changes from the stored one and equals tf.conv2d of the lesson's X with that filter,
//     computed here in Node; the other cells keep their stored outputs; Reset brings back the
//     lesson's code and the stored output;
//   - the lesson that trains softmax regression from scratch (the cell tagged
//     `softmax-training-loop`): Run all runs the cells, none failing up to the scratch model's test
//     accuracy (with --all: to the lesson's end, a minute and more on tfjs's cpu backend); the scratch model's
//     mean training loss falls from its first epoch to its last, and its test accuracy is at
//     least the floor of the lesson's check cell (read from the notebook, fast profile);
//   - both run on tfjs's wasm backend, started from the site's shared script with this project's
//     training kernels registered and our GEMM chosen; the softmax lesson's backend cell prints so;
//   - no console error, no uncaught exception, no failed request, no request leaving the site.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../../scripts/jupyter/jupyter-env.mjs";
import { bothWays, checkPageWasm, watchedPage } from "./site-pages.mjs";

const require = createRequire(import.meta.url);
const TIMEOUT_MS = 180_000;
const CONV_CELL = 'tf.conv2d(X, W, 1, "valid")';
const TRAINING_TAG = "softmax-training-loop";

/** The lesson pages this test needs: lesson 1 (convolution) and the one that trains softmax regression by hand. */
export function runPages(site, notebooks = join(root, "notebooks")) {
  const pages = readdirSync(site).filter((f) => /^\d+-.*\.html$/.test(f));
  const conv = pages.find((f) => f.startsWith("01-"));
  const softmaxNotebook = readdirSync(notebooks)
    .filter((f) => f.endsWith(".ipynb"))
    .find((f) => JSON.parse(readFileSync(join(notebooks, f), "utf8")).cells.some((c) => c.metadata?.tags?.includes(TRAINING_TAG)));
  const softmax = softmaxNotebook && pages.find((f) => f === softmaxNotebook.replace(/\.ipynb$/, ".html"));
  return { conv, softmax, softmaxNotebook: softmaxNotebook && join(notebooks, softmaxNotebook) };
}

/** The fast profile's accuracy floor of the lesson's check cell: `const floor = profile === "full" ? F : f;`. */
function fastFloor(notebook) {
  const cells = JSON.parse(readFileSync(notebook, "utf8")).cells;
  for (const c of cells) {
    const m = /const floor = profile === "full" \? ([\d.]+) : ([\d.]+);/.exec([c.source].flat().join(""));
    if (m && c.metadata?.tags?.includes("check")) return Number(m[2]);
  }
  throw new Error(`${notebook}: no check cell with "const floor = profile === "full" ? … : …;"`);
}

/** The code cell whose code contains `text`, as a locator, and its index among the code cells. */
async function cellWith(page, text) {
  const index = await page.evaluate(
    (t) => [...document.querySelectorAll("main .jp-CodeCell")].findIndex((c) => c.querySelector("pre")?.textContent.includes(t)),
    text,
  );
  if (index < 0) throw new Error(`no code cell contains ${text}`);
  return { cell: page.locator("main .jp-CodeCell").nth(index), index };
}

const outputText = (cell) => cell.locator(".jp-OutputArea").textContent();
/** Every code cell's printed text, in order ("" for a cell without; plots left out: plotly may still be drawing). */
const allOutputs = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("main .jp-CodeCell")].map((c) =>
      [...c.querySelectorAll(".jp-OutputArea .jp-RenderedText")].map((o) => o.textContent).join(""),
    ),
  );

/** Waits until the page's status says the run ended; returns it. Fails on a failed cell. */
async function finished(page, timeout = TIMEOUT_MS) {
  await page.waitForFunction(
    () => /^(Ran |Cell \d+ failed|A check|The runner did not load)/.test(document.querySelector(".tsdl-run-status")?.textContent ?? ""),
    null,
    {
      timeout,
    },
  );
  const status = await page.locator(".tsdl-run-status").textContent();
  if (!status.startsWith("Ran ")) {
    const failed = /^Cell (\d+) failed/.exec(status);
    const detail = failed ? await outputText(page.locator("main .jp-CodeCell").nth(Number(failed[1]) - 1)) : "";
    throw new Error(`${status} ${detail.trim().split("\n").slice(-3).join(" | ")}`);
  }
  return status;
}

/** Lesson 1: edit the filter of the tf.conv2d cell, run it, compare with tf.conv2d in Node. */
async function testConv(page, tf) {
  const { cell, index } = await cellWith(page, CONV_CELL);
  const stored = await outputText(cell);
  const othersBefore = await allOutputs(page);
  let filter;
  do filter = [0, 1].map(() => [0, 1].map(() => Math.floor(Math.random() * 9) - 4));
  while (filter.flat().every((v) => v === 1));
  const code = cell.locator(".jp-InputArea-editor pre");
  const source = await code.textContent();
  await code.fill(source.replace(CONV_CELL, `tf.conv2d(X, tsdl.toFilter4D(${JSON.stringify(filter)}), 1, "valid")`));
  await cell.locator(".tsdl-run-cell").click();
  await finished(page);
  const printed = await outputText(cell);
  const m = /VALID output: \[ 1, 2, 2, 1 \]\s*(\[\[[\s\S]*?\]\])/.exec(printed);
  if (!m) throw new Error(`the edited cell printed no VALID output: ${printed}`);
  const got = JSON.parse(m[1].replace(/\s+/g, ""));
  const X = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const W = tf.tensor4d(filter.flat(), [2, 2, 1, 1]);
  const expected = tf.tidy(() => tf.conv2d(X, W, 1, "valid").reshape([2, 2]).arraySync());
  tf.dispose([X, W]);
  if (JSON.stringify(got) !== JSON.stringify(expected))
    throw new Error(
      `filter ${JSON.stringify(filter)}: the page printed ${JSON.stringify(got)}, tf.conv2d gives ${JSON.stringify(expected)}`,
    );
  if (printed === stored) throw new Error("the cell's output did not change");
  const othersAfter = await allOutputs(page);
  const later = othersBefore.map((t, i) => (i > index ? t : null)).filter((t) => t !== null);
  if (later.length === 0 || later.some((t, k) => othersAfter[index + 1 + k] !== t))
    throw new Error("the cells after the edited one lost their stored outputs");
  // Reset: the lesson's code and the stored output are back.
  await page.locator(".tsdl-run-bar button", { hasText: "Reset" }).click();
  if ((await code.textContent()) !== source) throw new Error("Reset did not bring back the cell's code");
  if ((await allOutputs(page))[index] !== othersBefore[index]) throw new Error("Reset did not bring back the cell's stored output");
  return `filter ${JSON.stringify(filter)} → ${JSON.stringify(got)} = tf.conv2d; Reset restores the lesson`;
}

/**
 * The softmax lesson: Run all; the scratch model's loss falls and its test accuracy clears the
 * floor. Unless `all`, the check stops once that accuracy has printed (the lesson's later cells
 * train some 50 more epochs: a minute and more on tfjs's cpu backend, beyond this test's budget).
 */
async function testSoftmax(page, floor, all) {
  await page.locator(".tsdl-run-bar button", { hasText: "Run all" }).click();
  const { cell: scored, index } = await cellWith(page, "const scratchAccuracy = accuracy(scratch, data.test)");
  if (all) await finished(page);
  else {
    await page.waitForFunction(
      (i) =>
        /^Cell \d+ failed|^A check|^The runner did not load/.test(document.querySelector(".tsdl-run-status")?.textContent ?? "") ||
        document.querySelectorAll("main .jp-CodeCell")[i].dataset.tsdlRun === "ok",
      index,
      { timeout: TIMEOUT_MS },
    );
    const status = await page.locator(".tsdl-run-status").textContent();
    if (/failed|did not load/.test(status)) throw new Error(status);
  }
  const { cell: backendCell } = await cellWith(page, "tsdl.backendReport(info)");
  const said = (await outputText(backendCell)).trim().split("\n")[0];
  if (!/^Backend: tfjs [\d.]+ · wasm .*, in this page$/.test(said))
    throw new Error(`the backend cell does not report the page's wasm: ${said}`);
  const { cell: trained } = await cellWith(page, "const scratchLosses = await train(scratch");
  const epochs = [...(await outputText(trained)).matchAll(/epoch (\d+)\/\d+: mean training loss ([\d.]+)/g)].map((m) => Number(m[2]));
  if (epochs.length < 2) throw new Error(`the scratch training printed ${epochs.length} epoch(s)`);
  if (!(epochs.at(-1) < epochs[0])) throw new Error(`the training loss did not fall: ${epochs.join(", ")}`);
  const acc = /from scratch: test accuracy ([\d.]+) %/.exec(await outputText(scored));
  if (!acc) throw new Error("the page printed no test accuracy for the scratch model");
  if (!(Number(acc[1]) / 100 >= floor)) throw new Error(`test accuracy ${acc[1]} % is under the lesson's floor ${floor}`);
  return `Run all${all ? "" : " (up to the test accuracy)"}: loss ${epochs[0].toFixed(3)} → ${epochs.at(-1).toFixed(3)} over ${epochs.length} epochs, test accuracy ${acc[1]} % ≥ ${100 * floor} %`;
}

/** Runs both checks over http and from file://; returns report lines, pushes problems as { page, text }. */
export async function testRunHere({ context, site, serverUrl, problems, all = false }) {
  const tf = require("@tensorflow/tfjs");
  await tf.setBackend("cpu");
  const { conv, softmax, softmaxNotebook } = runPages(site);
  const report = [];
  if (!conv) problems.push({ page: "(run it here)", text: "the site has no lesson 1 page (01-*.html)" });
  if (!softmax) problems.push({ page: "(run it here)", text: `no page for the lesson tagged ${TRAINING_TAG}` });
  const floor = softmaxNotebook ? fastFloor(softmaxNotebook) : 0;
  for (const [name, check] of [
    [conv, (page) => testConv(page, tf)],
    [softmax, (page) => testSoftmax(page, floor, all)],
  ]) {
    if (!name) continue;
    for (const { how, url, prefix } of bothWays(site, serverUrl, name)) {
      const label = `${name} run (${how})`;
      const add = (text) => problems.push({ page: label, text });
      const started = Date.now();
      const page = await watchedPage(context, prefix, add);
      try {
        await page.goto(url, { waitUntil: "load", timeout: TIMEOUT_MS });
        await page.waitForSelector(".tsdl-run-bar", { timeout: TIMEOUT_MS });
        const text = await check(page);
        const backend = await checkPageWasm(page, add);
        report.push({ name: label, text: `${backend}; ${text}; ${((Date.now() - started) / 1000).toFixed(1)} s` });
      } catch (err) {
        add(err.message.split("\n")[0]);
        report.push({ name: label, text: "did not finish" });
      } finally {
        await page.close();
      }
    }
  }
  return report;
}

// Alone: node test/e2e/browser-test-run.mjs [--site DIR] [--all]   (--all: wait for Run all to finish every cell)
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--site");
  const site = at >= 0 ? args[at + 1] : join(root, "site");
  const all = args.includes("--all");
  const dir = join(root, "build", "scripts", "site");
  const { serveDirectory } = require(join(dir, "static-server.js"));
  const { launchChromium } = require(join(dir, "chromium.js"));
  const server = await serveDirectory(site);
  const browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  const started = Date.now();
  try {
    const report = await testRunHere({ context: browser.context, site, serverUrl: server.url, problems, all });
    for (const r of report) console.log(`  ${problems.some((p) => p.page === r.name) ? "FAIL" : "  ok"}  ${r.name.padEnd(44)} ${r.text}`);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const p of problems) console.log(`  - ${p.page}: ${p.text}`);
  console.log(`browser-test-run: ${((Date.now() - started) / 1000).toFixed(1)} s, ${problems.length} problem(s)`);
  process.exit(problems.length ? 1 : 0);
}
