// The headless runner (scripts/jupyter/lessons.mjs → scripts/jupyter/run_notebooks.py) on tiny notebooks:
// it must pass good ones, fail on a bad cell naming it, and never skip a later cell silently.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "..", "..", "..");

interface Output {
  output_type: string;
  text?: string;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
interface Cell {
  cell_type: string;
  source: string;
  outputs?: Output[];
  execution_count?: number | null;
}

function notebook(sources: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    cells: sources.map((source, i) =>
      source.startsWith("#")
        ? { cell_type: "markdown", id: `c${i}`, metadata: {}, source }
        : { cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null },
    ),
  });
}

/** Writes notebooks (cells, or raw file text) into a fresh folder inside the project (so `import "tsdl"` resolves). */
function write(books: Record<string, string[] | string>) {
  const base = join(root, "build", "test-notebooks");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, "nb-"));
  const paths = Object.entries(books).map(([name, cells]) => {
    const p = join(dir, `${name}.ipynb`);
    writeFileSync(p, typeof cells === "string" ? cells : notebook(cells));
    return p;
  });
  return { dir, paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function runner(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(root, "scripts", "jupyter", "lessons.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, LESSON_PROFILE: "fast", ...env },
  });
  return { status: r.status, stdout: r.stdout + r.stderr };
}

/** Runs the notebooks with the runner; reads its summary and executed copies. */
function run(books: Record<string, string[] | string>) {
  const { dir, paths, cleanup } = write(books);
  const out = join(dir, "out");
  const r = runner(["--out", out, "--no-html", "--timeout", "120", ...paths]);
  const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { notebooks: Record<string, unknown>[] };
  const executed = (name: string) => (JSON.parse(readFileSync(join(out, "executed", `${name}.ipynb`), "utf8")) as { cells: Cell[] }).cells;
  const result = (name: string) => summary.notebooks.find((n) => n.notebook === `${name}.ipynb`)!;
  return { ...r, summary, executed, result, cleanup };
}

const outputText = (c: Cell) => (c.outputs ?? []).map((o) => o.text ?? o.evalue ?? "").join("");

test("a good notebook runs top to bottom, imports the library and reports the backend", () => {
  const r = run({
    good: [
      "# Title",
      'import * as tsdl from "tsdl";\nconst info = await tsdl.selectBackend();\nconsole.log(tsdl.backendReport(info));',
      "const t = tsdl.tf.tensor([1, 2, 3]);\nconsole.log('sum', t.sum().dataSync()[0]);",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a cell's TypeScript, with its own template literal
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
    assert.deepEqual(
      cells.map((c) => c.execution_count),
      [1, 2, 3],
    );
    const nb = r.summary.notebooks[0]!;
    assert.equal(nb.ok, true);
    assert.equal(nb.cellsRun, 3);
    assert.match(String(nb.backend), /tfjs 4\.22\.0/);
  } finally {
    r.cleanup();
  }
});

test("a failing cell fails the run, is named as Jupyter numbers it with its source and traceback, and later cells are marked not run", () => {
  const r = run({
    bad: [
      "# Title",
      "console.log('first')",
      'function check(n: number) {\n  if (n > 1) throw new Error("boom in cell two");\n}\ncheck(2);',
      "console.log('never')",
      "console.log('nor this')",
    ],
    typeerr: ["const n: number = 'not a number';"],
    after: ["console.log('still runs')"],
  });
  try {
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAILED .* bad\.ipynb/);
    // In [2]: the second code cell, as Jupyter shows it (not the 0-based index 2 of the cell list).
    assert.match(r.stdout, /bad\.ipynb: In \[2\] failed: Error: boom in cell two/);
    assert.match(r.stdout, /--- source:\nfunction check\(n: number\) \{/);
    // The kernel's traceback, pointing at the cell's lines.
    assert.match(r.stdout, /at check \(In \[2\]:2:20\)\n\s+at In \[2\]:4:1/);
    assert.match(r.stdout, /2 later cell\(s\) were not run/);
    // A type error is caught by tslab's compiler: also a failure, with the compiler's message.
    assert.match(r.stdout, /typeerr\.ipynb: In \[1\] failed: TypeScript error: Type 'string' is not assignable to type 'number'/);
    assert.match(r.stdout, /In \[1\]:1:7 - Type 'string'/);
    // One failing notebook does not stop the others.
    assert.match(r.stdout, /ok .* after\.ipynb/);
    assert.match(r.stdout, /1 notebook\(s\) ok, 2 failed: bad\.ipynb, typeerr\.ipynb/);
    const cells = r.executed("bad").filter((c) => c.cell_type === "code");
    assert.deepEqual(
      cells.map((c) => c.execution_count),
      [1, 2, null, null],
    );
    // The error is the kernel's own error output (one block, as Notebook and the HTML show it).
    const errors = cells[1]!.outputs!.filter((o) => o.output_type === "error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.ename, "Error");
    assert.ok(
      errors[0]!.traceback!.some((l) => l.includes("In [2]:2:20")),
      errors[0]!.traceback!.join("\n"),
    );
    assert.match(outputText(cells[2]!), /not run: an earlier cell of this notebook failed/);
    assert.match(outputText(cells[3]!), /not run/);
    const bad = r.result("bad");
    assert.equal(bad.ok, false);
    assert.equal(bad.failedCell, 2);
    assert.equal(bad.cellsRun, 2);
    assert.equal(bad.cellsNotRun, 2);
  } finally {
    r.cleanup();
  }
});

test("errors of a cell's asynchronous work fail that cell, also after it finished and after the last cell", () => {
  const r = run({
    timer: [
      "console.log('one')",
      "setTimeout(() => { throw new Error('timer fired'); }, 0);",
      "console.log('never')",
      "console.log('nor this')",
    ],
    rejection: ["Promise.reject(new RangeError('nobody awaits'));\nconsole.log('printed')", "console.log('never')"],
    last: ["console.log('one')", "setTimeout(() => { throw new Error('after the last cell'); }, 0);"],
  });
  try {
    assert.equal(r.status, 1, r.stdout);
    // The timer fired after In [2] finished: In [2] is blamed, In [3] (which reported it) did not run.
    assert.match(r.stdout, /timer\.ipynb: In \[2\] failed: Error: timer fired/);
    assert.match(r.stdout, /\(thrown after In \[2\] had finished: In \[3\] reported it\)/);
    const timer = r.executed("timer").filter((c) => c.cell_type === "code");
    assert.ok(timer[1]!.outputs!.some((o) => o.output_type === "error" && o.evalue === "timer fired"));
    assert.equal(r.result("timer").failedCell, 2);
    assert.equal(r.result("timer").cellsRun, 2);
    assert.equal(r.result("timer").cellsNotRun, 2);
    // A rejection nobody handles fails the cell that made it.
    assert.match(r.stdout, /rejection\.ipynb: In \[1\] failed: RangeError: nobody awaits/);
    assert.match(r.stdout, /Unhandled promise rejection in asynchronous code/);
    // After the last cell, the runner's check collects it.
    assert.match(r.stdout, /last\.ipynb: In \[2\] failed: Error: after the last cell/);
    assert.match(r.stdout, /\(thrown after In \[2\] had finished: the check after the last cell reported it\)/);
    const last = r.executed("last").filter((c) => c.cell_type === "code");
    assert.ok(last[1]!.outputs!.some((o) => o.output_type === "error" && o.evalue === "after the last cell"));
  } finally {
    r.cleanup();
  }
});

test("a notebook that is not JSON is reported by name before any kernel starts, and the others still run", () => {
  const r = run({ broken: '{"cells": [,]}', good: ["console.log('fine')"] });
  try {
    assert.equal(r.status, 1);
    const lines = r.stdout.split("\n");
    assert.match(lines[0]!, /^run_notebooks: broken\.ipynb is not JSON: Expecting value: line 1 column 12/);
    assert.match(r.stdout, /FAILED .* broken\.ipynb/);
    assert.match(r.stdout, /ok .* good\.ipynb/);
    assert.deepEqual(r.result("broken"), {
      notebook: "broken.ipynb",
      ok: false,
      readable: false,
      cellsRun: 0,
      cellsNotRun: 0,
      seconds: 0,
      error: "not JSON: Expecting value: line 1 column 12 (char 11)",
      errorText: "not JSON: Expecting value: line 1 column 12 (char 11)",
    });
    assert.equal(r.result("good").ok, true);
  } finally {
    r.cleanup();
  }
});

test("a bad profile or timeout is rejected before any kernel starts", () => {
  const { dir, paths, cleanup } = write({ never: ["console.log('must not run')"] });
  try {
    for (const [env, args, message] of [
      [{ LESSON_PROFILE: "quick" }, [], /LESSON_PROFILE must be "fast" or "full", got "quick"/],
      // Not case-forgiving: "FULL" used to train the full profile under the fast profile's cell time limit.
      [{ LESSON_PROFILE: "FULL" }, [], /LESSON_PROFILE must be "fast" or "full", got "FULL"/],
      [{}, ["--timeout", "0"], /--timeout: must be a number of seconds > 0, got '0'/],
      [{}, ["--timeout", "-5"], /--timeout: must be a number of seconds > 0, got '-5'/],
      [{}, ["--timeout", "soon"], /--timeout: must be a number of seconds > 0, got 'soon'/],
    ] as const) {
      const out = join(dir, "out");
      const r = runner(["--no-html", "--out", out, ...args, ...paths], env);
      assert.equal(r.status, 2, r.stdout);
      assert.match(r.stdout, message);
      // Nothing started: no notebook run, no output folder.
      assert.doesNotMatch(r.stdout, /Running|must not run/);
      assert.equal(existsSync(out), false);
    }
  } finally {
    cleanup();
  }
});
