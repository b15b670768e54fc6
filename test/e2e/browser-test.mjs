// `npm run test:browser`: opens every page of the exported site (site/, from `npm run export`) in
// headless Chromium, served over http on 127.0.0.1 by a small static server started here, and
// checks, for each page:
//   - no request fails and none leaves the local site (those are aborted and reported);
//   - no console error and no uncaught exception;
//   - every plot (.tsdl-plot) has drawn: plotly's .main-svg, at least one trace, a non-empty box,
//     and it fits the page width;
//   - the page never inlines plotly.js (data-tsdl-plotly-lib) and a page with plots loads the one
//     shared assets/plotly.min.js;
//   - no axe-core violation of impact serious or critical, at 1280 px and again at 390 px (a
//     phone: the page reloaded at that width, its plots drawn for it), and no sideways scroll;
//   - a lesson page: the skip link first, the next-lesson link within a few Tab presses, no tab
//     stop inside a plot; its worked solutions collapsed, opened by a click and by Enter
//     (browser-test-a11y.mjs);
// and, for the site: every link between pages answers HTTP 200, every lesson page is linked
// from the index and some lesson has worked solutions; the first paint of every lesson opened from file:// (median of 3 loads) is
// within budget (FIRST_PAINT_BUDGET_MS below) and plotly.js is fetched only after it. Writes a
// full-page screenshot of each page to out/screenshots/NAME.png (build artefacts, kept out of the
// site), and phone-width ones of the lesson with the most plots and of the pad's page.
// Then the drawing pad, over http and from file:// (browser-test-demo.mjs beside this file; a site
// without one fails unless --no-pad), and "run it here" on lessons 1 and 5 (browser-test-run.mjs).
// Exits 1 with the list of problems.
//
//   node test/e2e/browser-test.mjs [--site DIR] [--no-screenshots] [--no-pad]
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "../../scripts/jupyter/jupyter-env.mjs";
import { demoPages, testDemos } from "./browser-test-demo.mjs";
import { testRunHere } from "./browser-test-run.mjs";
import { axeCheck, firstPaint, keyboardCheck, median, solutionCheck } from "./browser-test-a11y.mjs";

const require = createRequire(import.meta.url);
const PLOT_TIMEOUT_MS = 30_000;
const PAGE_TIMEOUT_MS = 60_000;
const PHONE = { width: 390, height: 844 };
// The first paint of a lesson from file:// must come within FIRST_PAINT_BUDGET_MS, or within
// FIRST_PAINT_LOAD_FACTOR times a one-line page's on a machine so busy that even that is slow.
// Measured 2026-12-07 on the 2-core VM with two trainings at higher priority and a lesson run
// beside it (load average 20–28), this test on lessons 1–4: medians of 3 loads 14.5, 14.7, 9.8
// and 3.2 s, a one-line page 3.6 s (8.2 s in another run) — the machine, not the pages. Not
// measured idle this session; the issue's idle figure without plotly.js in the head is 80–360 ms (goal: < 500 ms),
// so 3000 ms leaves a slower CI machine room. That plotly.js no longer blocks the paint is
// checked apart from any timing: the page must not fetch it before its first paint.
const FIRST_PAINT_BUDGET_MS = 3000;
const FIRST_PAINT_LOAD_FACTOR = 10;
const FIRST_PAINT_RUNS = 3;

/** A path as the user can read it: relative to the current folder when inside it, else absolute. */
function shown(path) {
  const r = relative(process.cwd(), path);
  return r === "" ? "." : r.startsWith("..") ? path : r;
}

function parseArgs(argv) {
  const opts = { site: join(root, "site"), screenshots: true, pad: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-screenshots") opts.screenshots = false;
    else if (a === "--no-pad") opts.pad = false;
    else if (a === "--site") opts.site = resolve(argv[++i] ?? "");
    else if (a.startsWith("--site=")) opts.site = resolve(a.slice("--site=".length));
    else {
      console.error(
        `browser-test: unknown argument "${a}"\nusage: node test/e2e/browser-test.mjs [--site DIR] [--no-screenshots] [--no-pad]`,
      );
      process.exit(2);
    }
  }
  return opts;
}

function helpers() {
  const dir = join(root, "build", "scripts", "site");
  for (const n of ["static-server", "chromium"]) {
    if (!existsSync(join(dir, `${n}.js`))) {
      console.error(`browser-test: ${join(dir, n)}.js missing: run "npm run build" first`);
      process.exit(2);
    }
  }
  return { ...require(join(dir, "static-server.js")), ...require(join(dir, "chromium.js")) };
}

/** What the page itself reports about its plots, plotly and links (runs in the browser). */
function inspectPage() {
  const root = document.documentElement;
  const main = document.querySelector("main") ?? document.body;
  const mainRight = main.getBoundingClientRect().right;
  const plots = [...document.querySelectorAll(".tsdl-plot")].map((el) => {
    const box = el.getBoundingClientRect();
    return {
      id: el.id || "(no id)",
      svg: el.querySelectorAll(".main-svg").length,
      traces: Array.isArray(el._fullData) ? el._fullData.length : 0,
      drawn: el.querySelectorAll(".main-svg .trace, .main-svg .hm, .main-svg image").length,
      width: Math.round(box.width),
      height: Math.round(box.height),
      overflow: Math.round(box.right - mainRight),
    };
  });
  return {
    title: document.title,
    plots,
    inlinePlotly: document.querySelectorAll("script[data-tsdl-plotly-lib]").length,
    plotlyScripts: [...document.scripts].filter((s) => s.src && /plotly[^/]*\.js$/.test(new URL(s.src).pathname)).length,
    hasPlotly: typeof window.Plotly === "object" && window.Plotly !== null,
    horizontalScroll: root.scrollWidth - root.clientWidth,
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
    tables: document.querySelectorAll(".jp-OutputArea-output table").length,
    math: document.querySelectorAll(".katex").length,
    mathErrors: document.querySelectorAll(".tsdl-math-error").length,
  };
}

/** True on a page without plots, or once plotly.js has loaded. */
function plotlyReady() {
  return document.querySelector(".tsdl-plot") === null || (typeof window.Plotly === "object" && window.Plotly !== null);
}

/** True once every plot has drawn (plotly.js arrives after the first paint, maybe after "load"). */
function allPlotsDrawn() {
  if (document.querySelector(".tsdl-plot") === null) return true;
  if (typeof window.Plotly !== "object" || window.Plotly === null) return false;
  return [...document.querySelectorAll(".tsdl-plot")].every((el) => el.querySelector(".main-svg") !== null);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { serveDirectory, launchChromium } = helpers();
  if (!existsSync(join(opts.site, "index.html"))) {
    console.error(`browser-test: ${join(opts.site, "index.html")} not found: run "npm run export" first`);
    process.exit(2);
  }
  const shots = join(root, "out", "screenshots");
  if (opts.screenshots) mkdirSync(shots, { recursive: true });

  const problems = []; // { page, text }
  let linkCount = 0;
  let solutionCount = 0;
  let firstPaints = [];
  let blankPaint = 0;
  let blankUrl = null; // the one-line page the first paint is compared with
  let paintBudget = FIRST_PAINT_BUDGET_MS;
  const plotCounts = new Map(); // lesson page → plots
  const report = [];
  const server = await serveDirectory(opts.site);
  const origin = new URL(server.url).origin;
  const siteFiles = pathToFileURL(opts.site).href + "/";
  let browser;
  try {
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    const { context } = browser;
    let current = "(none)";
    // Every request goes through here: anything not on our server is aborted and reported.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + "/") || url.startsWith(siteFiles) || (blankUrl && url === blankUrl)) return route.continue(); // file:// for the pad's and the paint's tests
      problems.push({ page: current, text: `request off the local site (aborted): ${url}` });
      return route.abort("blockedbyclient");
    });

    /** Checks one page at the desktop width, or at a phone's (`phone`: then no link or keyboard checks). */
    const visit = async (name, phone = false) => {
      current = name;
      const page = await context.newPage();
      const add = (text) => problems.push({ page: name, text });
      let count = 0;
      page.on("request", () => (count += 1));
      page.on("requestfailed", (req) => {
        if (req.url().startsWith(origin + "/")) add(`request failed: ${req.url()} (${req.failure()?.errorText ?? "?"})`);
      });
      page.on("response", (res) => {
        if (res.status() >= 400) add(`HTTP ${res.status()} for ${res.url()}`);
      });
      page.on("console", (msg) => {
        if (msg.type() === "error") add(`console error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => add(`uncaught exception: ${err.message}`));
      try {
        if (phone) await page.setViewportSize(PHONE);
        const res = await page.goto(new URL(name, server.url).href, { waitUntil: "load", timeout: PAGE_TIMEOUT_MS });
        if (res?.status() !== 200) add(`page answered HTTP ${res?.status() ?? "nothing"}`);
        // plotly.js loads after the first paint, so "load" may come first: wait for it, then for the plots.
        await page.waitForFunction(plotlyReady, null, { timeout: PAGE_TIMEOUT_MS }).catch(() => {});
        await page.waitForFunction(allPlotsDrawn, null, { timeout: PLOT_TIMEOUT_MS }).catch(() => {});
        await page.evaluate(() => document.fonts.ready.then(() => true));
        const info = await page.evaluate(inspectPage);
        for (const p of info.plots) {
          if (p.svg === 0)
            add(
              `plot ${p.id} did not draw (no .main-svg${info.hasPlotly ? ` after ${PLOT_TIMEOUT_MS / 1000} s` : ", plotly.js did not load"})`,
            );
          else if (p.traces === 0 || p.drawn === 0) add(`plot ${p.id} is empty (${p.traces} traces, ${p.drawn} drawn elements)`);
          if (p.width < 50 || p.height < 50) add(`plot ${p.id} is ${p.width}×${p.height} px`);
          if (p.overflow > 1) add(`plot ${p.id} sticks out of the page by ${p.overflow} px`);
        }
        if (info.inlinePlotly > 0) add(`inlines plotly.js ${info.inlinePlotly} time(s) (data-tsdl-plotly-lib)`);
        if (info.plots.length > 0 && info.plotlyScripts !== 1)
          add(`has plots but loads plotly.js ${info.plotlyScripts} times (expected once)`);
        if (info.plots.length > 0 && !info.hasPlotly) add("has plots but window.Plotly is not defined");
        if (info.horizontalScroll > 1) add(`the page scrolls sideways by ${info.horizontalScroll} px`);
        if (info.mathErrors > 0) add(`${info.mathErrors} formula(s) KaTeX could not render`);
        const keys = !phone && name !== "index.html" ? await keyboardCheck(page) : null;
        for (const p of keys?.problems ?? []) add(p);
        const solutions = !phone && name !== "index.html" ? await solutionCheck(page) : null;
        for (const p of solutions?.problems ?? []) add(p);
        solutionCount += solutions?.count ?? 0;
        const axe = await axeCheck(page);
        for (const p of axe.problems) add(`${phone ? `at ${PHONE.width} px: ` : ""}${p}`);
        const a11y = `axe ${axe.problems.length ? "FAILS" : "0 serious/critical"}${axe.lesser.length ? ` (lesser: ${axe.lesser.join(", ")})` : ""}`;
        if (phone) {
          if (opts.screenshots && phoneShots.has(name)) {
            if (name === padPage)
              await page
                .waitForSelector(".tsdl-demo canvas.tsdl-demo-pad", { timeout: PAGE_TIMEOUT_MS })
                .catch(() => add("the pad did not start"));
            await page.screenshot({
              path: join(shots, `phone-${name.replace(/\.html$/, ".png")}`),
              fullPage: true,
              timeout: PAGE_TIMEOUT_MS,
            });
          }
          const entry = report.find((r) => r.name === name);
          if (entry) entry.text += `; at ${PHONE.width} px: ${a11y}`;
          return info;
        }
        if (opts.screenshots) {
          await page.screenshot({ path: join(shots, name.replace(/\.html$/, ".png")), fullPage: true, timeout: PAGE_TIMEOUT_MS });
        }
        const drawn = info.plots.filter((p) => p.svg > 0 && p.traces > 0).length;
        report.push({
          name,
          text:
            `${drawn}/${info.plots.length} plots drawn, ${info.tables} table(s), ${info.math} formula(s), ${count} requests; ${a11y}` +
            (keys?.reached ? `; Tab reaches the ${keys.target} link in ${keys.reached}` : "") +
            (solutions?.count ? `; ${solutions.count} solution(s) open on click and Enter` : ""),
        });
        return info;
      } finally {
        await page.close();
      }
    };

    const index = await visit("index.html");
    const lessonPages = [...new Set(index.links.filter((h) => !/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(h)).map((h) => h.split("#")[0]))];
    if (lessonPages.length === 0) problems.push({ page: "index.html", text: "links to no lesson page" });
    const linked = new Set(["index.html", ...lessonPages]);
    const links = new Set(lessonPages.map((h) => new URL(h, server.url).href));
    for (const name of lessonPages) {
      const info = await visit(name);
      plotCounts.set(name, info.plots.length);
      for (const h of info.links) {
        if (!/^[a-z][a-z0-9+.-]*:|^\/\/|^#/i.test(h)) links.add(new URL(h.split("#")[0], new URL(name, server.url)).href);
      }
    }
    // The phone: every page again at 390 px; screenshots of the lesson with the most plots and of the pad.
    const pads = demoPages(opts.site);
    const padPage = pads[0];
    const plotHeavy = lessonPages.reduce((best, n) => ((plotCounts.get(n) ?? 0) > (plotCounts.get(best) ?? -1) ? n : best), lessonPages[0]);
    const phoneShots = new Set([plotHeavy, padPage].filter(Boolean));
    for (const name of ["index.html", ...lessonPages]) await visit(name, true);
    // The first paint from file://, as a reader opening the downloaded site sees it.
    const blankDir = mkdtempSync(join(tmpdir(), "tsdl-paint-"));
    writeFileSync(join(blankDir, "blank.html"), '<!DOCTYPE html><html lang="en"><title>x</title><p>One line.</p></html>');
    const blankRuns = [];
    blankUrl = pathToFileURL(join(blankDir, "blank.html")).href;
    for (let i = 0; i < FIRST_PAINT_RUNS; i++) blankRuns.push((await firstPaint(context, blankUrl)).fcp);
    rmSync(blankDir, { recursive: true, force: true });
    blankPaint = median(blankRuns);
    paintBudget = Math.max(FIRST_PAINT_BUDGET_MS, FIRST_PAINT_LOAD_FACTOR * blankPaint);
    const paints = [];
    for (const name of lessonPages) {
      const runs = [];
      const plotlyStarts = [];
      for (let i = 0; i < FIRST_PAINT_RUNS; i++) {
        const r = await firstPaint(context, new URL(name, siteFiles).href);
        runs.push(r.fcp);
        if (r.plotlyStart !== null) plotlyStarts.push(r.plotlyStart);
        if (r.plotlyStart !== null && r.plotlyStart < r.fcp)
          problems.push({
            page: name,
            text: `plotly.js is fetched at ${Math.round(r.plotlyStart)} ms, before the first paint (${Math.round(r.fcp)} ms)`,
          });
      }
      const ms = median(runs);
      paints.push(ms);
      const entry = report.find((r) => r.name === name);
      if (entry)
        entry.text += `; first paint from file:// ${Math.round(ms)} ms (median of ${FIRST_PAINT_RUNS})${plotlyStarts.length ? `, plotly.js asked for at ${Math.round(median(plotlyStarts))} ms` : ""}`;
      if (ms > paintBudget)
        problems.push({
          page: name,
          text: `first paint from file:// takes ${Math.round(ms)} ms (median of ${FIRST_PAINT_RUNS}), over the ${Math.round(paintBudget)} ms budget`,
        });
    }
    firstPaints = paints;
    for (const file of readdirSync(opts.site).filter((f) => f.endsWith(".html"))) {
      if (!linked.has(file)) problems.push({ page: file, text: "is not linked from index.html" });
    }
    // Every link between pages must answer 200 (fetched from our server, outside the browser).
    linkCount = links.size;
    for (const href of links) {
      const res = await fetch(href, { method: "HEAD" });
      if (res.status !== 200) problems.push({ page: "(links)", text: `${href.slice(origin.length)} answers HTTP ${res.status}` });
    }
    if (solutionCount === 0) problems.push({ page: "(site)", text: 'no lesson page has a worked solution (cells tagged "solution")' });
    if (pads.length === 0 && opts.pad)
      problems.push({ page: "(site)", text: "no page has a drawing pad (the MNIST lesson's run saves one; --no-pad to skip)" });
    if (pads.length > 0) {
      report.push(
        ...(await testDemos({
          context,
          site: opts.site,
          serverUrl: server.url,
          pages: pads,
          problems,
          screenshots: opts.screenshots ? shots : null,
        })),
      );
    }
    // "Run it here": lesson 1's edited filter and the softmax lesson's Run all (browser-test-run.mjs).
    report.push(...(await testRunHere({ context, site: opts.site, serverUrl: server.url, problems })));
    for (const entry of server.log) {
      if (entry.status !== 200) problems.push({ page: "(server)", text: `${entry.path} answered HTTP ${entry.status}` });
    }
  } finally {
    await browser?.close();
    await server.close();
  }

  // Each page is one check, the links and files of the site as a whole one more.
  const failedPages = new Set(problems.map((p) => p.page));
  const siteProblems = problems.filter((p) => !report.some((r) => r.name === p.page));
  console.log(`browser-test: ${shown(opts.site)}/ over ${server.url} in headless Chromium`);
  for (const r of report) console.log(`  ${failedPages.has(r.name) ? "FAIL" : "  ok"}  ${r.name.padEnd(40)} ${r.text}`);
  console.log(
    `  ${siteProblems.length ? "FAIL" : "  ok"}  ${"(site)".padEnd(40)} ${linkCount} links between pages answer 200, every page linked from the index, ${solutionCount} worked solution(s)`,
  );
  if (firstPaints.length) {
    console.log(
      `browser-test: first paint from file:// at most ${Math.round(Math.max(...firstPaints))} ms (median of ${FIRST_PAINT_RUNS} loads a lesson; ` +
        `a one-line page ${Math.round(blankPaint)} ms; budget ${Math.round(paintBudget)} ms)`,
    );
  }
  if (opts.screenshots) console.log(`browser-test: screenshots in ${shown(shots)}/`);
  if (problems.length) {
    console.log(`\nbrowser-test: ${problems.length} problem(s):`);
    for (const p of problems) console.log(`  - ${p.page}: ${p.text}`);
  }
  const failed = report.filter((r) => failedPages.has(r.name)).length + (siteProblems.length ? 1 : 0);
  console.log(`${report.length + 1 - failed} passed, ${failed} failed`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`browser-test: ${err.stack ?? err}`);
  process.exit(1);
});
