import { test } from "node:test";
import assert from "node:assert/strict";
import { SUMMARY_CHARS, lessonIntro } from "../../scripts/site/lesson-intro";

const nb = (...cells: unknown[]) => ({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 });
const md = (source: string | string[]) => ({ cell_type: "markdown", metadata: {}, source });
const code = (source: string) => ({ cell_type: "code", metadata: {}, source, outputs: [], execution_count: null });

test("the title is the first heading and the summary the first paragraph after it, on one line", () => {
  const intro = lessonIntro(
    nb(code("1"), md("# Lesson 1: Convolution\n\nA convolution slides a **filter**\nover an image.\n\nMore text."), md("# Other")),
  );
  assert.deepEqual(intro, { title: "Lesson 1: Convolution", summary: "A convolution slides a **filter** over an image." });
});

test("a source given as a list of lines and a paragraph right under the title both work", () => {
  assert.deepEqual(lessonIntro(nb(md(["# Pooling #\n", "Max pooling keeps the largest value.\n"]))), {
    title: "Pooling",
    summary: "Max pooling keeps the largest value.",
  });
});

test("setext headings count and lists, quotes, images, code and display math are skipped", () => {
  const source =
    "Padding\n=======\n\n![figure](x.png)\n\n> a quote\n\n- a list\n\n```ts\nconst x = 1;\n\nx\n```\n\n$$y = x$$\n\nPadding keeps the size.";
  assert.deepEqual(lessonIntro(nb(md(source))), { title: "Padding", summary: "Padding keeps the size." });
});

test("missing parts are null and a value that is not a notebook is an error", () => {
  assert.deepEqual(lessonIntro(nb(code("1"))), { title: null, summary: null });
  assert.deepEqual(lessonIntro(nb(md("Only a paragraph."))), { title: null, summary: "Only a paragraph." });
  assert.deepEqual(lessonIntro(nb(md("# Only a title"))), { title: "Only a title", summary: null });
  assert.throws(() => lessonIntro({ worksheets: [] }, "x.ipynb"), /x\.ipynb: not a notebook/);
  assert.throws(() => lessonIntro(nb(md(3 as unknown as string))), /"source" must be a string or a list of strings/);
});

test("the index line reads on its own: no asides in parentheses, a list's lead-ins after its colon, whole sentences", () => {
  const list =
    "# T\n\nWe ask three questions the notes raise:\n\n1. **How hard are clothes?** Trained from scratch.\n2. **Do flips help?** Mirrored shirts.\n";
  assert.equal(lessonIntro(nb(md(list))).summary, "We ask three questions the notes raise: How hard are clothes? Do flips help?");
  const plain = "# T\n\nOne CNN is good. We ask this:\n\n- a plain item\n";
  assert.equal(lessonIntro(nb(md(plain))).summary, "One CNN is good.", "without lead-ins the sentence that promised the list goes");
  assert.equal(
    lessonIntro(nb(md("# T\n\nIt gets 99 % right (the README's *Results*, from `results.jsonl`). Cireşan et al. 2012 got more."))).summary,
    "It gets 99 % right. Cireşan et al. 2012 got more.",
  );
  const long = `# T\n\n${"A sentence of about fifty characters, give or take. ".repeat(12)}`;
  const summary = lessonIntro(nb(md(long))).summary!;
  assert.ok(summary.length >= SUMMARY_CHARS && summary.length < SUMMARY_CHARS + 60 && summary.endsWith("."), summary);
});
