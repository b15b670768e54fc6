// The headless runner (scripts/jupyter/lessons.mjs → scripts/jupyter/run_notebooks.py) on tiny notebooks:
// it must pass good ones, fail on a bad cell naming it, and never skip a later cell silently.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");

interface Cell { cell_type: string; source: string; outputs?: { output_type: string; text?: string; ename?: string; evalue?: string }[]; execution_count?: number | null }

function notebook(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: sources.map((source, i) =>
      source.startsWith("#")
        ? { cell_type: "markdown", id: `c${i}`, metadata: {}, source }
        : { cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null }),
  });
}

/** Writes notebooks into a fresh folder inside the project (so `import "tsdl"` resolves) and runs them. */
function run(books: Record<string, string[]>) {
  const base = join(root, "build", "test-notebooks");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, "nb-"));
  const paths = Object.entries(books).map(([name, cells]) => {
    const p = join(dir, `${name}.ipynb`);
    writeFileSync(p, notebook(cells));
    return p;
  });
  const out = join(dir, "out");
  const r = spawnSync(process.execPath, [join(root, "scripts", "jupyter", "lessons.mjs"), "--out", out, "--no-html", "--timeout", "120", ...paths], {
    encoding: "utf8",
    env: { ...process.env, LESSON_PROFILE: "fast" },
  });
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { notebooks: Record<string, unknown>[] };
  const executed = (name: string) => (JSON.parse(readFileSync(join(out, "executed", `${name}.ipynb`), "utf8")) as { cells: Cell[] }).cells;
  return { status: r.status, stdout: r.stdout + r.stderr, summary, executed, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const outputText = (c: Cell) => (c.outputs ?? []).map((o) => o.text ?? o.evalue ?? "").join("");

test("a good notebook runs top to bottom, imports the library and reports the backend", () => {
  const r = run({
    good: [
      "# Title",
      'import * as tsdl from "tsdl";\nconst info = await tsdl.selectBackend();\nconsole.log(tsdl.backendReport(info));',
      "const t = tsdl.tf.tensor([1, 2, 3]);\nconsole.log('sum', t.sum().dataSync()[0]);",
      "console.log(`profile=${tsdl.lessonProfile()}`);",
    ],
  });
  try {
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /ok .* good\.ipynb/);
    const cells = r.executed("good").filter((c) => c.cell_type === "code");
    assert.match(outputText(cells[0]!), /^Backend: tfjs 4\.22\.0/);
    assert.match(outputText(cells[1]!), /sum 6/);
    assert.match(outputText(cells[2]!), /profile=fast/);
    assert.deepEqual(cells.map((c) => c.execution_count), [1, 2, 3]);
    const nb = r.summary.notebooks[0]!;
    assert.equal(nb.ok, true);
    assert.equal(nb.cellsRun, 3);
    assert.match(String(nb.backend), /tfjs 4\.22\.0/);
  } finally {
    r.cleanup();
  }
});

test("a failing cell fails the run, is named with its source and error, and later cells are marked not run", () => {
  const r = run({
    bad: ["console.log('first')", 'throw new Error("boom in cell two")', "console.log('never')", "console.log('nor this')"],
    typeerr: ["const n: number = 'not a number';"],
    after: ["console.log('still runs')"],
  });
  try {
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAILED .* bad\.ipynb/);
    assert.match(r.stdout, /bad\.ipynb: cell 1 failed: Error: boom in cell two/);
    assert.match(r.stdout, /--- source:\nthrow new Error\("boom in cell two"\)/);
    assert.match(r.stdout, /2 later cell\(s\) were not run/);
    // A type error is caught by tslab's compiler: also a failure, with the compiler's message.
    assert.match(r.stdout, /typeerr\.ipynb: cell 0 failed: .*Type 'string' is not assignable to type 'number'/);
    // One failing notebook does not stop the others.
    assert.match(r.stdout, /ok .* after\.ipynb/);
    assert.match(r.stdout, /1 notebook\(s\) ok, 2 failed: bad\.ipynb, typeerr\.ipynb/);
    const cells = r.executed("bad");
    assert.ok(cells[1]!.outputs!.some((o) => o.output_type === "error" && /boom in cell two/.test(o.evalue ?? "")));
    assert.match(outputText(cells[2]!), /not run: an earlier cell of this notebook failed/);
    assert.match(outputText(cells[3]!), /not run/);
    const bad = r.summary.notebooks.find((n) => n.notebook === "bad.ipynb")!;
    assert.equal(bad.ok, false);
    assert.equal(bad.failedCell, 1);
    assert.equal(bad.cellsNotRun, 2);
  } finally {
    r.cleanup();
  }
});
