// The readers' part of `npm run test:browser` (called from browser-test.mjs beside it): what a
// keyboard user, a screen-reader user, a phone reader and a reader opening the page from disk get.
//   - axe-core on a page: every violation of impact "serious" or "critical" is a problem;
//   - the keyboard: the skip link is the first tab stop and lands in the lesson, the next-lesson
//     link is reached in a handful of presses, and nothing inside a plot takes a tab stop;
//   - worked solutions: collapsed at first, numbered in order, opened by a click and by Enter;
//   - the first paint of a lesson from file://: the median of a few loads, against a budget, and
//     plotly.js fetched only after it.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core/axe.min.js");
/** Impacts that fail the test (axe's scale: minor, moderate, serious, critical). */
const FAILING = new Set(["serious", "critical"]);
/** Tab presses from the top of a lesson page to its next-lesson link (skip link, previous, index, next). */
export const TABS_TO_NEXT = 5;

/**
 * Runs axe-core on the loaded page; returns the serious/critical violations as one line each
 * (rule, impact, how many nodes, the first node's selector) and how many lesser ones there were.
 */
export async function axeCheck(page) {
  await page.addScriptTag({ path: AXE }); // inline: no request leaves the site
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      first: v.nodes[0]?.target.join(" ") ?? "",
      help: v.help,
    }));
  });
  const failing = violations.filter((v) => FAILING.has(v.impact));
  return {
    problems: failing.map((v) => `axe ${v.impact}: ${v.id} (${v.help}) on ${v.nodes} node(s), first ${v.first}`),
    lesser: violations.filter((v) => !FAILING.has(v.impact)).map((v) => `${v.id} (${v.impact}, ${v.nodes})`),
  };
}

/**
 * From the top of a lesson page: the first Tab stop must be the skip link, and following it must
 * put focus in the lesson; Tab must reach the next-lesson link (or the index link on the last
 * lesson) within {@link TABS_TO_NEXT} presses; no element inside a plot may take a tab stop.
 * Returns the problems found.
 */
export async function keyboardCheck(page) {
  const problems = [];
  const focused = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      return { cls: a?.className ?? "", rel: a?.getAttribute?.("rel") ?? "", id: a?.id ?? "", nav: !!a?.closest?.("nav.tsdl-nav-top") };
    });
  const target = (await page.locator("nav.tsdl-nav-top a[rel=next]").count()) > 0 ? "next" : "index";
  let reached = 0;
  for (let i = 1; i <= TABS_TO_NEXT && !reached; i++) {
    await page.keyboard.press("Tab");
    const f = await focused();
    if (i === 1 && f.cls !== "tsdl-skip") problems.push(`the first tab stop is not the skip link (it is "${f.cls || f.id || "nothing"}")`);
    if (f.rel === target && f.nav) reached = i;
  }
  if (!reached) problems.push(`Tab does not reach the ${target} link in ${TABS_TO_NEXT} presses`);
  await page.focus(".tsdl-skip");
  await page.keyboard.press("Enter");
  const after = await focused();
  if (after.id !== "lesson") problems.push(`the skip link does not put focus in the lesson (focus on "${after.cls || after.id}")`);
  const inPlots = await page.evaluate(
    () =>
      [...document.querySelectorAll(".tsdl-plot *")].filter(
        (e) => e.tabIndex >= 0 && (e.matches("a[href], button, input, select, textarea") || e.hasAttribute("tabindex")),
      ).length,
  );
  if (inPlots > 0) problems.push(`${inPlots} element(s) inside plots take a tab stop (plotly's toolbar?)`);
  return { problems, reached, target };
}

/**
 * The worked solutions (`details.tsdl-solution`, from cells tagged "solution"): each is closed
 * when the page loads, with nothing of its cell drawn, and its summary names exercise 1, 2, … in
 * order; the first opens on a click on its summary (and closes on another), the last on Enter
 * with the keyboard focus on its summary — which is left open, so axe audits a solution's content.
 * Returns the problems found and how many solutions the page has.
 */
export async function solutionCheck(page) {
  const problems = [];
  const state = () =>
    page.evaluate(() =>
      [...document.querySelectorAll("details.tsdl-solution")].map((d) => ({
        open: d.open,
        summary: d.querySelector(":scope > summary")?.textContent?.trim() ?? "",
        shown: [...d.children].filter((c) => c.tagName !== "SUMMARY").some((c) => c.checkVisibility()),
      })),
    );
  const before = await state();
  before.forEach((s, i) => {
    if (s.summary !== `Solution to exercise ${i + 1}`) problems.push(`solution ${i + 1}'s summary reads "${s.summary}"`);
    if (s.open || s.shown) problems.push(`solution ${i + 1} is not collapsed when the page loads`);
  });
  if (before.length === 0) return { problems, count: 0 };
  const summaries = page.locator("details.tsdl-solution > summary");
  await summaries.first().click();
  if (!(await state())[0].shown) problems.push("solution 1 does not open on a click on its summary");
  await summaries.first().click();
  if ((await state())[0].open) problems.push("solution 1 does not close on a second click");
  await summaries.last().focus();
  await page.keyboard.press("Enter");
  if (!(await state()).at(-1).shown) problems.push(`solution ${before.length} does not open on Enter`);
  return { problems, count: before.length };
}

/**
 * The first contentful paint of `url` in a fresh page, in ms, and when the page asked for
 * plotly.js (ms on the page's clock, or null when it has no plots): a page that fetches plotly
 * before its first paint lets the library block it again. The request is timed from Playwright's
 * request event, not Resource Timing, which keeps no entries for file:// (waiting for one cost
 * 10 s per load). The page is closed after.
 */
export async function firstPaint(context, url) {
  const page = await context.newPage();
  let plotlyAsked = null; // Date.now() when the page requested plotly.js
  const asked = new Promise((resolve) =>
    page.on("request", (req) => {
      if (!/plotly[^/]*\.js$/.test(req.url())) return;
      plotlyAsked = Date.now();
      resolve(plotlyAsked);
    }),
  );
  try {
    await page.goto(url, { waitUntil: "domcontentloaded" });
    const fcp = await page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const found = (entries) => entries.find((e) => e.name === "first-contentful-paint");
          const now = found(performance.getEntriesByType("paint"));
          if (now) return resolve(now.startTime);
          new PerformanceObserver((list) => {
            const e = found(list.getEntries());
            if (e) resolve(e.startTime);
          }).observe({ type: "paint", buffered: true });
          setTimeout(() => reject(new Error("no first-contentful-paint within 60 s")), 60_000);
        }),
    );
    const { timeOrigin, plots } = await page.evaluate(() => ({
      timeOrigin: performance.timeOrigin,
      plots: document.querySelector(".tsdl-plot") !== null,
    }));
    if (plots && plotlyAsked === null) await Promise.race([asked, new Promise((r) => setTimeout(r, 10_000))]);
    return { fcp, plotlyStart: plotlyAsked === null ? null : plotlyAsked - timeOrigin };
  } finally {
    await page.close();
  }
}

/** The median of an array of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
