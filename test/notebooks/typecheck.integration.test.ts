// Type-checks every lesson's code cells against the built library, as tslab compiles them, so a
// bad call (a renamed export, a wrong argument) fails `npm test` in seconds instead of a lesson
// run minutes in. One program for all notebooks: about 10 s, so it runs once, in this tier.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { cellSource, notebookNames, notebooksDir, readNotebook, root, type Notebook } from "./notebooks";

/**
 * tslab 1.0's compiler options on Node 16+ (node_modules/tslab/dist/converter.js), without emit;
 * the libraries' own declarations are not ours to check (tfjs's name browser types).
 */
const TSLAB_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  experimentalDecorators: true,
  resolveJsonModule: true,
  noEmit: true,
  skipLibCheck: true,
  types: ["node"],
};

interface CellProblem {
  notebook: string;
  /** Index of the cell in the notebook (as nbformat counts, from 0). */
  cell: number;
  /** Line in the cell, from 1. */
  line: number;
  message: string;
}

/**
 * The type errors in the code cells of `notebooks` (name → notebook). Each notebook's cells are
 * concatenated into one module (declarations carry over from cell to cell, as in the kernel),
 * checked as a virtual file next to the notebooks so that `import … from "tsdl"` resolves as
 * the kernel resolves it (node_modules/tsdl → build/src).
 */
function typeErrors(notebooks: ReadonlyMap<string, Notebook>): CellProblem[] {
  const files = new Map<string, { name: string; text: string; cellAtLine: number[]; firstLine: number[] }>();
  for (const [name, nb] of notebooks) {
    const cellAtLine: number[] = [];
    const firstLine: number[] = [];
    const parts: string[] = [];
    nb.cells.forEach((c, i) => {
      if (c.cell_type !== "code") return;
      const lines = cellSource(c).split("\n");
      firstLine[i] = cellAtLine.length;
      cellAtLine.push(...lines.map(() => i));
      parts.push(lines.join("\n"));
    });
    files.set(join(notebooksDir, `${name}.check.ts`), { name, text: `${parts.join("\n")}\nexport {};\n`, cellAtLine, firstLine });
  }
  const host = ts.createCompilerHost(TSLAB_OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f)?.text ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const v = files.get(f);
    return v ? ts.createSourceFile(f, v.text, lang) : getSourceFile.call(host, f, lang, ...rest);
  };
  const program = ts.createProgram([...files.keys()], TSLAB_OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const v = d.file ? files.get(d.file.fileName) : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!v || d.start === undefined) return { notebook: d.file?.fileName ?? "(program)", cell: -1, line: 0, message };
    const at = d.file!.getLineAndCharacterOfPosition(d.start).line;
    const cell = v.cellAtLine[at] ?? -1;
    return { notebook: v.name, cell, line: at - (v.firstLine[cell] ?? 0) + 1, message };
  });
}

const shown = (ps: CellProblem[]) => ps.map((p) => `${p.notebook} cell ${p.cell}, line ${p.line}: ${p.message}`).join("\n");

test("every lesson's code cells type-check against the built library, as tslab compiles them", () => {
  assert.ok(
    existsSync(join(root, "node_modules", "tsdl")),
    "node_modules/tsdl is missing: `npm run build` links the library there, as the kernel finds it",
  );
  const names = notebookNames();
  assert.ok(names.length > 0, "no notebooks found");
  const problems = typeErrors(new Map(names.map((n) => [n, readNotebook(n)])));
  assert.equal(problems.length, 0, `type errors in the lessons' cells:\n${shown(problems)}`);
});

test("a type error is reported with its notebook, cell and line", () => {
  const code = (source: string) => ({ cell_type: "code", source, metadata: {} });
  const nb: Notebook = {
    metadata: {},
    cells: [
      code('import * as tsdl from "tsdl";\nconst n = 3;'),
      { cell_type: "markdown", source: "text" },
      code("const ok = n + 1;\nconst bad: string = tsdl.lessonProfile().length;\nconsole.log(ok, bad);"),
    ],
  };
  const problems = typeErrors(new Map([["probe.ipynb", nb]]));
  assert.equal(problems.length, 1, shown(problems));
  assert.deepEqual({ ...problems[0], message: undefined }, { notebook: "probe.ipynb", cell: 2, line: 2, message: undefined });
  assert.match(problems[0]!.message, /number.*not assignable to type 'string'/);
});
