// The library's layering, as README.md's "library at a glance" table writes it down: a module
// imports from its own folder and from lower layers only. Also: the library never imports
// scripts/, and src/index.ts keeps every name the committed notebooks use.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../src/data/paths";

const root = projectRoot();
const src = path.join(root, "src");

/** Layer of each folder (`models`) or top-level file (`check.ts`), read from the README table. */
export function readmeLayers(readme: string): Map<string, number> {
  const section = readme.split("## The library at a glance")[1]?.split("\n## ")[0];
  if (section === undefined) throw new Error('README.md has no "The library at a glance" section');
  const layers = new Map<string, number>();
  for (const line of section.split("\n")) {
    const row = /^\| (\d+) \| ([^|]+) \|/.exec(line);
    if (!row) continue;
    for (const [, name] of row[2]!.matchAll(/`([\w.-]+)\/?`/g)) layers.set(name!.replace(/\/$/, ""), Number(row[1]));
  }
  return layers;
}

/** The unit (folder or top-level file) a path under src/ belongs to. */
function unitOf(file: string): string {
  return path.relative(src, file).split(path.sep)[0]!;
}

/** Every relative module a source file imports: `from "…"`, `import "…"`, `require("…")`, `import("…")`. */
export function relativeImports(text: string): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)["'](\.[^"']*)["']/g)].map((m) => m[1]!);
  return [...new Set(specs)];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => path.join(dir, f));
}

/** The imports that run against `layers`, as "from → to (layer a → b)" lines. */
export function layerViolations(files: readonly { file: string; text: string }[], layers: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const { file, text } of files) {
    const from = unitOf(file);
    const fromLayer = layers.get(from);
    if (fromLayer === undefined) {
      out.push(`${path.relative(root, file)}: src/${from} has no layer in README's table`);
      continue;
    }
    for (const spec of relativeImports(text)) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(src + path.sep)) {
        out.push(`${path.relative(root, file)} imports ${spec}, outside src/`);
        continue;
      }
      const to = unitOf(`${target}.ts`); // a top-level module is its file name, e.g. check.ts
      if (to === from) continue;
      const toLayer = layers.get(to);
      if (toLayer === undefined) out.push(`${path.relative(root, file)} imports ${spec}: src/${to} has no layer`);
      else if (!(toLayer < fromLayer))
        out.push(`${path.relative(root, file)} (${from}, layer ${fromLayer}) imports ${spec} (${to}, layer ${toLayer})`);
    }
  }
  return out;
}

test("README's layer table covers every folder and top-level file of src/", () => {
  const layers = readmeLayers(readFileSync(path.join(root, "README.md"), "utf8"));
  const units = new Set(readdirSync(src));
  assert.deepEqual(
    [...units].filter((u) => !layers.has(u)),
    [],
    "units of src/ missing from the table",
  );
  assert.deepEqual(
    [...layers.keys()].filter((u) => !units.has(u)),
    [],
    "table rows naming nothing in src/",
  );
});

test("every import in src/ goes to its own folder or a lower layer", () => {
  const layers = readmeLayers(readFileSync(path.join(root, "README.md"), "utf8"));
  const files = sourceFiles(src).map((file) => ({ file, text: readFileSync(file, "utf8") }));
  assert.ok(files.length > 50, `found only ${files.length} source files`);
  assert.deepEqual(layerViolations(files, layers), []);
});

test("the check catches an import against the layers, from either kind of import", () => {
  const layers = new Map([
    ["data", 2],
    ["train", 5],
    ["check.ts", 0],
  ]);
  const fake = (unit: string, text: string) => ({ file: path.join(src, unit, "x.ts"), text });
  assert.deepEqual(layerViolations([fake("train", 'import { a } from "../data/batches";\nimport "../check";')], layers), []);
  assert.equal(layerViolations([fake("data", 'import { fit } from "../train/fit";')], layers).length, 1);
  assert.equal(layerViolations([fake("data", 'const t = require("../train/fit");')], layers).length, 1);
  assert.match(layerViolations([fake("data", 'import "../../scripts/cli/common";')], layers)[0]!, /outside src/);
  assert.match(layerViolations([fake("newfolder", "")], layers)[0]!, /has no layer/);
});

test("src/index.ts exports every tsdl name the committed notebooks use", async () => {
  const tsdl = (await import("../src/index")) as Record<string, unknown>;
  const types = readFileSync(path.join(src, "index.ts"), "utf8");
  const dir = path.join(root, "notebooks");
  const used = new Set<string>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".ipynb"))) {
    const nb = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as { cells: { source: string | string[] }[] };
    for (const cell of nb.cells) {
      const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      for (const m of text.matchAll(/\btsdl\.(\w+)/g)) used.add(m[1]!);
    }
  }
  assert.ok(used.size > 20, `only ${used.size} names found in notebooks/`);
  // A name is exported as a value, or (e.g. tsdl.ModelName) as a type.
  const missing = [...used].filter((n) => !(n in tsdl) && !new RegExp(`\\btype ${n}\\b`).test(types));
  assert.deepEqual(missing, []);
});
