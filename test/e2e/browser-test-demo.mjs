// The drawing pad's part of `npm run test:browser` (called from browser-test.mjs beside it).
// For every page of the site with a pad (class "tsdl-demo"), over the local server and again
// from file://:
//   - the widget starts (tfjs, the page's model and the bundle load without fetch); the first
//     stroke starts tfjs's wasm backend from the site's shared script with this project's
//     training kernels registered and our GEMM chosen (one thread), as the page's <html> says;
//   - ten MNIST test digits (three from file://, to keep CI quick) are drawn as real pointer strokes (one stroke per run of dark
//     pixels in each row, brush as wide as the pad's own) and, for each, the page's 28×28 input
//     goes through the same model evaluated here in Node (tfjs cpu backend, loaded from the
//     page's own model file): same top class, every probability within 1e-4 (wasm against cpu); the input is
//     MNIST-shaped (bounding box 20 px on its long side);
//   - the lesson's mistake loads with one click, reaches the network as the lesson's own pixels,
//     and the page agrees with Node on it too;
//   - 32 feature maps are drawn; Clear empties the input;
//   - no console error, no uncaught exception, no failed request, no request leaving the site.
// Then, over http, the same page with the wasm script refused: the pad falls back to the cpu
// backend, says so in one line, and agrees with Node. Then the live notebook's copy (saveDemoModel's output: tfjs, model and bundle inline) in a
// page that has require.js's `define`, as Jupyter Notebook does: it mounts and agrees with Node
// (on cpu: a notebook's output has no site to load the wasm backend from).
// A screenshot of the pad with the last drawn digit goes to out/screenshots/.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { root } from "../../scripts/jupyter/jupyter-env.mjs";
import { backendFacts, bothWays, checkPageWasm, watchedPage } from "./site-pages.mjs";

const require = createRequire(import.meta.url);
const DIGITS = { http: 10, file: 3 };
const TOLERANCE = 1e-4;
const TIMEOUT_MS = 60_000;

/** Pages of the site that hold a drawing pad. */
export function demoPages(site) {
  return readdirSync(site).filter(
    (f) => f.endsWith(".html") && readFileSync(join(site, f), "utf8").includes('class="tsdl-demo" data-model-id='),
  );
}

/** The model of a page, from the page's own model script, on tfjs's cpu backend in Node. */
async function nodeModel(site, page) {
  const html = readFileSync(join(site, page), "utf8");
  const src = /<script defer src="(demo\/[0-9a-f]+\.js)"><\/script>/.exec(html)?.[1];
  if (!src) throw new Error(`${page}: no demo model script`);
  const tf = require("@tensorflow/tfjs");
  require(join(root, "build", "src", "models", "seeded-dropout.js")); // registers SeededDropout with this tf
  const { parseDemoPayloadScript, payloadArtifacts } = require(join(root, "build", "src", "demo", "payload.js"));
  await tf.setBackend("cpu");
  const p = parseDemoPayloadScript(readFileSync(join(site, src), "utf8"));
  const model = await tf.loadLayersModel(tf.io.fromMemory(payloadArtifacts(p))); // as the page does
  return {
    payload: p,
    predict: (input) => tf.tidy(() => Array.from(model.predict(tf.tensor4d(input, [1, 28, 28, 1])).dataSync())),
    dispose: () => model.dispose(),
  };
}

/**
 * A brush path over a 28×28 digit's dark pixels (≥ 128): one straight stroke per run of them,
 * along rows or along columns, whichever needs fewer strokes. Each is [[row, col], [row, col]].
 */
function strokes(pixels) {
  const runs = (along) => {
    const out = [];
    for (let a = 0; a < 28; a++) {
      let start = -1;
      for (let b = 0; b <= 28; b++) {
        const dark = b < 28 && pixels[along === "rows" ? a * 28 + b : b * 28 + a] >= 128;
        if (dark && start < 0) start = b;
        if (!dark && start >= 0) {
          out.push(
            along === "rows"
              ? [
                  [a, start],
                  [a, b - 1],
                ]
              : [
                  [start, a],
                  [b - 1, a],
                ],
          );
          start = -1;
        }
      }
    }
    return out;
  };
  const rows = runs("rows");
  const cols = runs("cols");
  return rows.length <= cols.length ? rows : cols;
}

const argmax = (a) => a.indexOf(Math.max(...a));

/** The state the widget leaves on its element, once its latest ink has been read. */
async function readState(page) {
  await page.waitForFunction(
    () => {
      const s = document.querySelector(".tsdl-demo").tsdlDemo;
      return s.predicted === s.changes;
    },
    null,
    { timeout: TIMEOUT_MS },
  );
  return page.evaluate(() => {
    const s = document.querySelector(".tsdl-demo").tsdlDemo;
    return { input: s.input, probabilities: s.probabilities, ms: s.ms, maps: document.querySelectorAll(".tsdl-demo-grid canvas").length };
  });
}

/**
 * The page's reading of its own 28×28 input against the model in Node: same top class, every
 * probability within TOLERANCE, all feature maps drawn. Problems go to `add`; returns the page's
 * top class and the largest difference, or null when the page showed nothing.
 */
function compareWithNode(node, what, got, add) {
  if (!got.input || !got.probabilities) {
    add(`${what}: the page shows no input or no probabilities`);
    return null;
  }
  const expected = node.predict(got.input);
  const diff = Math.max(...expected.map((p, k) => Math.abs(p - got.probabilities[k])));
  if (argmax(expected) !== argmax(got.probabilities))
    add(`${what}: the page reads ${argmax(got.probabilities)}, Node reads ${argmax(expected)}`);
  if (!(diff <= TOLERANCE)) add(`${what}: probabilities differ from Node's by ${diff.toExponential(2)} (> ${TOLERANCE})`);
  if (got.maps !== 32) add(`${what}: ${got.maps} feature maps drawn, expected 32`);
  return { top: argmax(got.probabilities), diff };
}

/** The live notebook's widget in a page with an AMD `define` (Jupyter Notebook's require.js). */
async function testLiveWidget(context, node, problems) {
  const { liveWidgetHtml } = require(join(root, "build", "src", "demo", "live.js"));
  const label = "live notebook output";
  const add = (text) => problems.push({ page: label, text });
  const page = await watchedPage(context, "(no request at all)", add); // everything is inline
  try {
    const amd = "<script>window.define = function () { throw new Error('anonymous define() called'); }; window.define.amd = {};</script>";
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8">${amd}</head><body>${liveWidgetHtml(node.payload)}</body></html>`;
    await page.setContent(html, { waitUntil: "load", timeout: TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector(".tsdl-demo")?.tsdlDemo !== undefined, null, { timeout: TIMEOUT_MS });
    const amdKept = await page.evaluate(() => typeof window.define === "function");
    if (!amdKept) add("require.js's define was not restored after tfjs loaded");
    await page.locator(".tsdl-demo-example").first().click();
    const r = compareWithNode(node, "first test digit", await readState(page), add);
    const { backend } = await backendFacts(page);
    if (backend !== "cpu") add(`runs the ${backend} backend; a notebook's output has no site to load wasm from: cpu expected`);
    return {
      name: label,
      text: `mounts next to require.js, first test digit read as in Node on ${backend} (max |Δp| ${r?.diff.toExponential(1)})`,
    };
  } catch (err) {
    add(err.message.split("\n")[0]);
    return { name: label, text: "did not finish" };
  } finally {
    await page.close();
  }
}

/** The pad with the shared wasm script refused: cpu, a one-line notice, the same reading as Node. */
async function testFallback(context, url, node, problems) {
  const label = "pad without its wasm script (http)";
  const add = (text) => problems.push({ page: label, text });
  const page = await context.newPage(); // the refused script is this check's own doing: no request watch
  page.on("pageerror", (err) => add(`uncaught exception: ${err.message}`));
  try {
    await page.route("**/assets/wasm/tsdl-wasm.js", (route) => route.abort());
    await page.goto(url, { waitUntil: "load", timeout: TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector(".tsdl-demo")?.tsdlDemo !== undefined, null, { timeout: TIMEOUT_MS });
    await page.locator(".tsdl-demo-example").first().click();
    const r = compareWithNode(node, "first test digit", await readState(page), add);
    const { backend, facts } = await backendFacts(page);
    if (backend !== "cpu") add(`runs the ${backend} backend without the wasm script: cpu expected`);
    const notice = /cpu backend \((wasm could not start: [^)]*)\)/.exec(facts ?? "")?.[1];
    if (!notice) add(`the line under the pad does not say why wasm did not start: ${facts}`);
    return { name: label, text: `cpu, saying "${notice}"; first test digit read as in Node (max |Δp| ${r?.diff.toExponential(1)})` };
  } catch (err) {
    add(err.message.split("\n")[0]);
    return { name: label, text: "did not finish" };
  } finally {
    await page.close();
  }
}

/** Checks the pads of `pages`; returns report lines, pushes problems as { page, text }. */
export async function testDemos({ context, site, serverUrl, pages, problems, screenshots }) {
  const { readMnistSplitSync } = require(join(root, "build", "src", "data", "mnist.js"));
  const { inkBox } = require(join(root, "build", "src", "demo", "preprocess.js"));
  const test = readMnistSplitSync(join(root, "data", "mnist"), "test");
  const digits = Array.from({ length: DIGITS.http }, (_, i) => ({
    index: i,
    label: test.labels[i],
    pixels: test.pixels.subarray(i * 784, (i + 1) * 784),
  }));
  const report = [];
  for (const name of pages) {
    const node = await nodeModel(site, name);
    try {
      for (const { how, url, prefix } of bothWays(site, serverUrl, name)) {
        const label = `${name} pad (${how})`;
        const add = (text) => problems.push({ page: label, text });
        const started = Date.now();
        const page = await watchedPage(context, prefix, add);
        try {
          await page.goto(url, { waitUntil: "load", timeout: TIMEOUT_MS });
          const widget = page.locator(".tsdl-demo").first();
          await page.waitForFunction(() => document.querySelector(".tsdl-demo")?.tsdlDemo !== undefined, null, { timeout: TIMEOUT_MS });
          await widget.scrollIntoViewIfNeeded();
          const read = () => readState(page);
          const compare = (what, got) => compareWithNode(node, what, got, add);
          const before = await backendFacts(page);
          if (before.backend !== undefined) add(`a backend (${before.backend}) started before the first stroke`);
          const pad = await page.locator(".tsdl-demo-pad").boundingBox();
          const cell = pad.width / 28;
          let right = 0;
          let worst = 0;
          const ms = [];
          for (const d of digits.slice(0, DIGITS[how])) {
            await page.locator(".tsdl-demo-clear").click();
            const cleared = await read();
            if (cleared.input !== null) add("Clear left ink on the pad");
            const at = ([r, c]) => [pad.x + (c + 0.5) * cell, pad.y + (r + 0.5) * cell];
            for (const [from, to] of strokes(d.pixels)) {
              await page.mouse.move(...at(from));
              await page.mouse.down();
              await page.mouse.move(...at(to));
              await page.mouse.up();
            }
            const got = await read();
            const box = got.input && inkBox({ width: 28, height: 28, data: got.input });
            if (box && Math.max(box.bottom - box.top, box.right - box.left) !== 20)
              add(`test digit ${d.index}: the page's input is not scaled to 20 px`);
            const r = compare(`test digit ${d.index} drawn`, got);
            ms.push(got.ms);
            if (r) {
              right += r.top === d.label ? 1 : 0;
              worst = Math.max(worst, r.diff);
            }
          }
          const backend = await checkPageWasm(page, add);
          if (!(await backendFacts(page)).facts?.includes("wasm backend"))
            add("the line under the pad does not say it runs the wasm backend");
          if (screenshots && how === "http") await widget.screenshot({ path: join(screenshots, name.replace(/\.html$/, "-pad.png")) });
          const mistakes = node.payload.examples.filter((e) => e.label !== e.predicted);
          let mistakeText = "no mistake offered";
          if (mistakes.length === 0) add("the pad offers no mistake from the lesson's gallery");
          else {
            await page.locator(".tsdl-demo-mistake").first().click();
            const got = await read();
            // One click puts the lesson's own test digit in front of the network (stretched to a darkest pixel of 1, as mnistStyle does).
            const pixels = Buffer.from(mistakes[0].pixels, "base64");
            const darkest = Math.max(...pixels);
            if (got.input?.some((v, k) => Math.abs(v - pixels[k] / darkest) > 1e-6))
              add(`the lesson's mistake (test digit ${mistakes[0].index}) reaches the network changed`);
            const r = compare(`the lesson's mistake (test digit ${mistakes[0].index})`, got);
            if (r) mistakeText = `lesson's mistake ${mistakes[0].label}→${mistakes[0].predicted} loaded, page reads ${r.top}`;
          }
          report.push({
            name: label,
            text: `${backend}; ${DIGITS[how]} drawn digits agree with Node's cpu (max |Δp| ${worst.toExponential(1)}), ${right}/${DIGITS[how]} read as their label; ${mistakeText}; a reading ${Math.round(ms.sort((a, b) => a - b)[ms.length >> 1])} ms (median); ${((Date.now() - started) / 1000).toFixed(1)} s`,
          });
        } catch (err) {
          add(err.message.split("\n")[0]);
          report.push({ name: label, text: "did not finish" });
        } finally {
          await page.close();
        }
      }
      report.push(await testFallback(context, new URL(name, serverUrl).href, node, problems));
      report.push(await testLiveWidget(context, node, problems));
    } finally {
      node.dispose();
    }
  }
  return report;
}
