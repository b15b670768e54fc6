// Notebooks in git are sources: no outputs, the project's kernel, numbered in lesson order, and
// worked solutions (cells tagged "solution") collapsed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(__dirname, "..", "..", "..", "notebooks");
const names = readdirSync(dir)
  .filter((n) => n.endsWith(".ipynb"))
  .sort();

test("lesson notebooks are named NN-topic.ipynb", () => {
  for (const n of names) assert.match(n, /^\d\d-[a-z0-9-]+\.ipynb$/, n);
});

for (const name of names) {
  test(`${name} is committed without outputs and uses the tslab kernel`, () => {
    const nb = JSON.parse(readFileSync(join(dir, name), "utf8")) as {
      metadata: { kernelspec?: { name?: string } };
      cells: {
        cell_type: string;
        source: string | string[];
        metadata?: { tags?: string[]; jupyter?: { source_hidden?: boolean; outputs_hidden?: boolean } };
        outputs?: unknown[];
        execution_count?: number | null;
      }[];
    };
    assert.equal(nb.metadata.kernelspec?.name, "tslab");
    for (const [i, c] of nb.cells.entries()) {
      if (c.cell_type !== "code") continue;
      assert.deepEqual(c.outputs ?? [], [], `${name} cell ${i} has outputs`);
      assert.equal(c.execution_count ?? null, null, `${name} cell ${i} has an execution count`);
    }
    // A worked solution opens collapsed in JupyterLab and Notebook 7, as on the site.
    for (const [i, c] of nb.cells.entries()) {
      if (!c.metadata?.tags?.includes("solution")) continue;
      assert.equal(c.metadata.jupyter?.source_hidden, true, `${name} cell ${i} (solution): metadata.jupyter.source_hidden`);
      if (c.cell_type === "code")
        assert.equal(c.metadata.jupyter?.outputs_hidden, true, `${name} cell ${i} (solution): metadata.jupyter.outputs_hidden`);
    }
    const source = nb.cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source)).join("\n");
    assert.match(source, /import \* as tsdl from "tsdl"/, `${name} imports the library`);
  });
}
