import { test } from "node:test";
import assert from "node:assert/strict";
import { formatRunDate, formatSeconds, indexPageHtml, shortBackend, type IndexLesson } from "../../scripts/site/index-page";

test("formatSeconds", () => {
  assert.equal(formatSeconds(0), "0 s");
  assert.equal(formatSeconds(0.2), "< 1 s");
  assert.equal(formatSeconds(12.4), "12 s");
  assert.equal(formatSeconds(75), "1 min 15 s");
  assert.equal(formatSeconds(3725), "1 h 02 min");
  assert.throws(() => formatSeconds(-1), /expected seconds ≥ 0/);
  assert.throws(() => formatSeconds(Number.NaN), /expected seconds ≥ 0/);
});

test("formatRunDate reads the runner's date and leaves other text alone", () => {
  assert.equal(formatRunDate("2026-11-25T13:02:01+0000"), "2026-11-25 13:02 (UTC+0000)");
  assert.equal(formatRunDate("2026-11-25T13:02:01Z"), "2026-11-25 13:02 (UTC)");
  assert.equal(formatRunDate("yesterday"), "yesterday");
});

test("shortBackend drops the list of skipped backends", () => {
  assert.equal(
    shortBackend("tfjs 4.22.0 · wasm (XNNPACK, SIMD, 1 thread) (skipped: tensorflow — Cannot find module 'x')"),
    "tfjs 4.22.0 · wasm (XNNPACK, SIMD, 1 thread)",
  );
  assert.equal(shortBackend("tfjs 4.22.0 · cpu"), "tfjs 4.22.0 · cpu");
  assert.equal(
    shortBackend(
      "tfjs · wasm (XNNPACK, 1 thread) [auto threads: 1 of 2 cores, load average 1.20; TSDL_WASM_THREADS=2 overrides] (skipped: x)",
    ),
    "tfjs · wasm (XNNPACK, 1 thread)",
  );
});

test("the index header names a backend once when the lessons' lines differ only in their notices", () => {
  const lesson = (i: number, load: string): IndexLesson => ({
    href: `0${i}-x.html`,
    title: `L${i}`,
    summary: null,
    seconds: 1,
    ok: true,
    backend: `tfjs · wasm (XNNPACK, 1 thread) [auto threads: load average ${load}] (skipped: x)`,
  });
  const html = indexPageHtml(
    { courseTitle: "C", profile: "fast", date: "d", assets: "assets", lessons: [lesson(1, "1.10"), lesson(2, "1.20"), lesson(3, "1.30")] },
    (t) => t,
  );
  assert.match(html, /· backend <span title="[^"]*">tfjs · wasm \(XNNPACK, 1 thread\)<\/span><\/p>/);
  assert.equal(html.split("tfjs · wasm (XNNPACK, 1 thread)</span>").length - 1, 1, "named once, and not again per lesson");
});

const lessons: IndexLesson[] = [
  { href: "01-a.html", title: "Lesson *one*", summary: "What $k$ does.", seconds: 12, ok: true, backend: "tfjs · wasm (skipped: x)" },
  {
    href: "02-b.html",
    title: "Two <b>",
    summary: null,
    seconds: 75,
    ok: false,
    error: "cell 3 failed",
    backend: "tfjs · wasm (skipped: x)",
  },
];

test("the index lists the lessons in order with links, summaries, times, the run and failures", () => {
  const html = indexPageHtml(
    { courseTitle: "Convolutional networks in TypeScript", profile: "full", date: "2026-11-25T13:02:01+0000", assets: "assets", lessons },
    (tex) => `<m>${tex}</m>`,
  );
  assert.match(html, /<title>Convolutional networks in TypeScript<\/title>/);
  assert.match(html, /<h1>Convolutional networks in TypeScript<\/h1>/);
  const first = html.indexOf('href="01-a.html"');
  const second = html.indexOf('href="02-b.html"');
  assert.ok(first > 0 && second > first, "lessons in order");
  assert.match(html, />Lesson <em>one<\/em><\/a>/);
  assert.match(html, /What <m>k<\/m> does\./);
  assert.match(html, />Two &lt;b&gt;<\/a>/);
  assert.match(html, />12 s</);
  assert.match(html, />1 min 15 s</);
  assert.match(html, /profile <b>full<\/b>/);
  assert.match(html, /2026-11-25 13:02 \(UTC\+0000\)/);
  assert.match(html, /1 min 27 s in all/);
  assert.match(html, /backend <span title="tfjs · wasm \(skipped: x\)">tfjs · wasm<\/span>/);
  assert.match(html, /<span class="tsdl-failed">failed: cell 3 failed<\/span>/);
  assert.match(html, /2 lessons, <span class="tsdl-failed">1 failed<\/span>/);
  assert.match(html, /<link rel="stylesheet" href="assets\/tsdl.css">/);
});
