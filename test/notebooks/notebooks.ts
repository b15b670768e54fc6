// The committed lesson notebooks, read for tests that check what the lessons say against the
// repository (references, tagged cells).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import type * as tf from "@tensorflow/tfjs";

export const root = join(__dirname, "..", "..", "..");
export const notebooksDir = join(root, "notebooks");

export interface Cell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
}
export interface Notebook {
  metadata: { kernelspec?: { name?: string } };
  cells: Cell[];
}

/** The lesson notebooks' file names, in lesson order. */
export function notebookNames(): string[] {
  return readdirSync(notebooksDir)
    .filter((n) => n.endsWith(".ipynb"))
    .sort();
}

export function readNotebook(name: string): Notebook {
  return JSON.parse(readFileSync(join(notebooksDir, name), "utf8")) as Notebook;
}

export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** The one cell of `name` carrying `tag`; an error if there is none or more than one. */
export function taggedCell(name: string, tag: string): string {
  const cells = readNotebook(name).cells.filter((c) => c.metadata?.tags?.includes(tag));
  if (cells.length !== 1) throw new Error(`${name}: expected one cell tagged "${tag}", found ${cells.length}`);
  return cellSource(cells[0]);
}

/**
 * Runs `source` (TypeScript from tagged cells) as tslab would, with `globals` in scope (`tf`,
 * `tsdl`, … as the lesson's setup cell defines them), and returns the values it defines under `names`.
 */
export function runCells(source: string, globals: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const { outputText, diagnostics } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
    reportDiagnostics: true,
  });
  assert.deepEqual(diagnostics ?? [], [], "the cells compile");
  const make = new Function(...Object.keys(globals), `${outputText}\nreturn { ${names.join(", ")} };`);
  return make(...Object.values(globals)) as Record<string, unknown>;
}

/** Asserts that two models hold the same weights, in the same order, bit for bit. */
export function assertSameWeights(a: tf.LayersModel, b: tf.LayersModel): void {
  const wa = a.getWeights();
  const wb = b.getWeights();
  assert.equal(wa.length, wb.length);
  wa.forEach((w, i) => {
    assert.deepEqual(w.shape, wb[i]!.shape);
    assert.deepEqual(Array.from(w.dataSync()), Array.from(wb[i]!.dataSync()), `weights ${i} (${a.weights[i]!.name})`);
  });
}
