// "Lesson N" and "section N.M" in the lessons, the README, the library and the scripts must point
// at a lesson that exists: the course was renumbered once (issue 17) and may be again.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { cellSource, notebookNames, readNotebook, root } from "./notebooks";

/** Lesson number → its notebook, from the file names ("05-mnist-cnn.ipynb" → 5). */
const lessons = new Map(notebookNames().map((n) => [Number(n.slice(0, 2)), n]));

/** Section numbers ("5.3") that exist: a "## 5.3 …" heading in lesson 5's notebook. */
const sections = new Set(
  [...lessons.values()].flatMap((n) =>
    readNotebook(n).cells.flatMap((c) => [...cellSource(c).matchAll(/^#+ (\d+\.\d+)\b/gm)].map((m) => m[1])),
  ),
);

function filesUnder(dir: string, exts: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, exts);
    return exts.some((e) => name.endsWith(e)) ? [path] : [];
  });
}

/** Every text a learner or a maintainer reads a lesson number in, with where it comes from. */
function texts(): { where: string; text: string }[] {
  const fromNotebooks = [...lessons.values()].map((n) => ({
    where: `notebooks/${n}`,
    text: readNotebook(n).cells.map(cellSource).join("\n"),
  }));
  const files = [
    join(root, "README.md"),
    ...filesUnder(join(root, "src"), [".ts"]),
    ...filesUnder(join(root, "scripts"), [".ts", ".mjs", ".py", ".sh"]),
  ];
  return [...fromNotebooks, ...files.map((f) => ({ where: relative(root, f), text: readFileSync(f, "utf8") }))];
}

/** "lesson 3", "Lessons 1–2", "lessons 5 and 7", "lesson 1's" → the numbers they name. */
function lessonNumbers(text: string): number[] {
  const found: number[] = [];
  for (const m of text.matchAll(/\blessons? (\d+(?:\s*(?:[–-]|,|and|or)\s*\d+)*)/gi)) {
    found.push(...m[1].split(/\s*(?:[–-]|,|and|or)\s*/).map(Number));
  }
  return found;
}

test("lessonNumbers reads single numbers, ranges and lists", () => {
  assert.deepEqual(lessonNumbers("As in lesson 2, and Lessons 1–3; lessons 5 and 7. lesson4-cnn"), [2, 1, 3, 5, 7]);
});

test("the lessons are numbered 1, 2, … by their file names, one notebook per number", () => {
  assert.equal(lessons.size, notebookNames().length);
  for (const n of lessons.keys()) assert.ok(n >= 1, `lesson number ${n}`);
});

test('every "lesson N" in notebooks, README, src and scripts names an existing notebook', () => {
  const broken = texts().flatMap(({ where, text }) =>
    lessonNumbers(text)
      .filter((n) => !lessons.has(n))
      .map((n) => `${where}: lesson ${n}`),
  );
  assert.deepEqual(broken, [], "references to lessons with no notebooks/NN-*.ipynb");
});

test('every "section N.M" names a numbered heading of lesson N', () => {
  const broken = texts().flatMap(({ where, text }) =>
    [...text.matchAll(/\bsections? (\d+\.\d+)/gi)]
      .map((m) => m[1])
      .filter((s) => !sections.has(s))
      .map((s) => `${where}: section ${s}`),
  );
  assert.deepEqual(broken, []);
});

test("the README's lessons table lists every notebook under its own number", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const rows = [...readme.matchAll(/^\| (\d+) \| `(\d\d-[a-z0-9-]+\.ipynb)` \|/gm)].map((m) => [Number(m[1]), m[2]] as const);
  assert.deepEqual(rows, [...lessons.entries()]);
});
