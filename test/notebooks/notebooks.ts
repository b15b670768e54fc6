// The committed lesson notebooks, read for tests that check what the lessons say against the
// repository (references, tagged cells).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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
  return readdirSync(notebooksDir).filter((n) => n.endsWith(".ipynb")).sort();
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
