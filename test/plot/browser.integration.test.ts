// The HTML contract in a real browser: plots draw with the inline library even when require.js's
// define() is on the page (classic Notebook), whether they come before or after the library, and
// with a shared plotly.min.js in the page head (what the site exporter does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { linePlot } from "../../src/plot/charts";
import { heatmap } from "../../src/plot/heatmap";
import { plotHtml, plotlyLibHtml, plotlyLibInfo } from "../../src/plot/html";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (installed by scripts/setup.sh)`;
const plot = heatmap(
  [
    [1, 2],
    [3, 4],
  ],
  { title: "toy", showValues: true },
);
// A stand-in for require.js: an AMD define that records anonymous-module registrations.
const FAKE_REQUIRE = "<script>window.__amd=0;window.define=function(){window.__amd++;};window.define.amd={};</script>";

async function withPage(html: string, f: (page: import("playwright-core").Page) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tsdl-plot-"));
  let browser: Browser | undefined;
  try {
    const file = join(dir, "page.html");
    writeFileSync(file, html);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    await f(page);
    assert.deepEqual(errors, [], "no script errors on the page");
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Page-side code is passed as strings: the project compiles without the DOM lib.
const DRAWN_IDS = `[...document.querySelectorAll(".tsdl-plot")].filter((d) => d.querySelector(".main-svg .heatmaplayer .hm image")).map((d) => d.id)`;

async function drawnPlots(page: import("playwright-core").Page, count: number): Promise<string[]> {
  await page.waitForFunction(`${DRAWN_IDS}.length === ${count}`, undefined, { timeout: 20000 });
  return (await page.evaluate(DRAWN_IDS)) as string[];
}

test("browser: with require.js on the page, queued and later plots both draw from the inline library", {
  skip,
  timeout: 60000,
}, async () => {
  const before = plotHtml(plot, "tsdl-plot-before");
  const after = plotHtml(plot, "tsdl-plot-after");
  await withPage(
    `<!doctype html><html><head>${FAKE_REQUIRE}</head><body>${before}${plotlyLibHtml()}${after}</body></html>`,
    async (page) => {
      assert.deepEqual(await drawnPlots(page, 2), ["tsdl-plot-before", "tsdl-plot-after"]);
      const state = await page.evaluate(
        `({ version: window.Plotly && window.Plotly.version, amd: window.__amd, defineBack: typeof window.define === "function" && !!window.define.amd, queue: window.__tsdlPlotQueue.length })`,
      );
      assert.deepEqual(state, { version: plotlyLibInfo().version, amd: 0, defineBack: true, queue: 0 });
      const texts = (await page.evaluate(
        `[...document.querySelectorAll("#tsdl-plot-after .heatmap-label text")].map((t) => t.textContent)`,
      )) as string[];
      assert.deepEqual([...texts].sort(), ["1", "2", "3", "4"], "cell values written in the cells");
    },
  );
});

test("browser: with the library removed and plotly.min.js loaded in the head (the exported site), plots draw", {
  skip,
  timeout: 60000,
}, async () => {
  const head = `<script src="${pathToFileURL(plotlyLibInfo().path).href}"></script>`;
  await withPage(`<!doctype html><html><head>${head}</head><body>${plotHtml(plot, "tsdl-plot-head")}</body></html>`, async (page) => {
    assert.deepEqual(await drawnPlots(page, 1), ["tsdl-plot-head"]);
  });
});

test("browser: on a narrow page the legend goes below the chart, and the toolbar's buttons are out of the tab order", {
  skip,
  timeout: 60000,
}, async () => {
  const curves = linePlot(
    [
      { name: "train", x: [1, 2, 3], y: [3, 2, 1] },
      { name: "test", x: [1, 2, 3], y: [3, 2.5, 2] },
    ],
    { title: "Loss" },
  );
  const head = `<script src="${pathToFileURL(plotlyLibInfo().path).href}"></script>`;
  const body = `<div style="width:360px">${plotHtml(curves, "narrow")}</div><div style="width:900px">${plotHtml(curves, "wide")}</div>`;
  await withPage(`<!doctype html><html><head>${head}</head><body>${body}</body></html>`, async (page) => {
    await page.waitForFunction(
      `[...document.querySelectorAll(".tsdl-plot")].every((d) => d.querySelector(".main-svg .scatterlayer .trace"))`,
      undefined,
      { timeout: 20000 },
    );
    const state = (await page.evaluate(`({
      narrow: document.getElementById("narrow")._fullLayout.legend.orientation,
      wide: document.getElementById("wide")._fullLayout.legend.orientation,
      buttons: document.querySelectorAll(".modebar-btn").length,
      tabbable: [...document.querySelectorAll(".modebar-btn")].filter((b) => b.tabIndex >= 0).length,
    })`)) as { narrow: string; wide: string; buttons: number; tabbable: number };
    assert.deepEqual({ ...state, buttons: state.buttons > 0 }, { narrow: "h", wide: "v", buttons: true, tabbable: 0 });
  });
});
