import { test } from "node:test";
import assert from "node:assert/strict";
import { CellSyntaxError, IMPORT_FUNCTION, pageCell, rewriteTopLevel, stripTypes } from "../../scripts/site/run-cells";

/** Runs cells one after another as the page's runner does: one shared scope, `with`, an async function each. */
async function runCells(
  sources: readonly string[],
  modules: Record<string, unknown> = {},
): Promise<{ scope: Record<string, unknown>; values: unknown[] }> {
  const scope: Record<string, unknown> = {};
  const values: unknown[] = [];
  const importModule = (name: string) => {
    if (!(name in modules)) throw new Error(`no module ${name}`);
    return modules[name];
  };
  for (const source of sources) {
    const cell = pageCell(source);
    for (const n of cell.names) if (!(n in scope)) scope[n] = undefined;
    const run = new Function("__scope", IMPORT_FUNCTION, `with (__scope) { return (async () => {\n${cell.code}\n})(); }`);
    values.push(await run(scope, importModule));
  }
  return { scope, values };
}

test("stripTypes: erases types and keeps imports that the cell itself does not use", () => {
  const js = stripTypes(
    'import pl from "nodejs-polars";\nconst n: number = (x as any)!;\ntype T = { a: string };\ninterface I { b: number }',
  );
  assert.match(js, /import pl from "nodejs-polars";/);
  assert.match(js, /const n = \(x\s*\);/);
  assert.doesNotMatch(js, /type T|interface I|: number/);
});

test("rewriteTopLevel: declarations become assignments, functions and imports first, names in order", () => {
  const cell = rewriteTopLevel(
    'const a = 1, b = a + 1;\nlet c;\nconst { d, e: [f, ...g] = [], ...h } = o;\nclass K {}\nfunction fn() { return a; }\nimport * as ns from "m";\nimport def, { x as y, "z" as w } from "n";\nconsole.log(a);',
  );
  assert.deepEqual(cell.names, ["a", "b", "c", "d", "f", "g", "h", "K", "fn", "ns", "def", "y", "w"]);
  assert.equal(
    cell.code,
    [
      "fn = function fn() { return a; };",
      `ns = ${IMPORT_FUNCTION}("m");`,
      `def = ${IMPORT_FUNCTION}("n").default;`,
      `y = ${IMPORT_FUNCTION}("n")["x"];`,
      `w = ${IMPORT_FUNCTION}("n")["z"];`,
      "(a = 1); (b = a + 1);",
      "c = undefined;",
      "({ d, e: [f, ...g] = [], ...h } = o);",
      "K = class K {};",
      "return (console.log(a));",
    ].join("\n"),
  );
  assert.equal(cell.returnsValue, true);
});

test("rewriteTopLevel: declarations in blocks, loops and functions stay local", () => {
  const cell = rewriteTopLevel(
    "{ const inner = 1; }\nfor (const i of [1]) { let j = i; }\nconst outer = () => { const local = 2; return local; };\nouter();\nlet last = 3;",
  );
  assert.deepEqual(cell.names, ["outer", "last"]);
  assert.match(cell.code, /\{ const inner = 1; \}/);
  assert.match(cell.code, /for \(const i of \[1\]\) \{ let j = i; \}/);
  assert.equal(cell.returnsValue, false, "a cell ending in a declaration has no value");
});

test("cells share their top-level names, as in the kernel; top-level await works", async () => {
  const { scope, values } = await runCells(
    [
      'import * as lib from "lib";\nconst base: number = lib.two;\nfunction twice(v: number): number { return lib.two * v; }',
      "const doubled = twice(base);\nconst later = await Promise.resolve(doubled + 1);\nclass Box { constructor(public v: number) {} }",
      "const box = new Box(later);\nbox.v",
      // Redeclaring a name in a later cell replaces it, as tslab allows.
      "const base = 10;\ntwice(base)",
    ],
    { lib: { two: 2 } },
  );
  assert.equal(scope["doubled"], 4);
  assert.equal(scope["later"], 5);
  assert.deepEqual(values, [undefined, undefined, 5, 20]);
  assert.equal((globalThis as Record<string, unknown>)["doubled"], undefined, "nothing leaks into the global scope");
});

test("a function may call one declared further down the same cell (hoisting)", async () => {
  const { values } = await runCells(["const r = f();\nfunction f() { return 7; }\nr"]);
  assert.deepEqual(values, [7]);
});

test("pageCell: a cell that does not parse, or that exports, fails with a CellSyntaxError naming the problem", () => {
  assert.throws(() => pageCell("const = 1;"), CellSyntaxError);
  assert.throws(
    () => pageCell("export const a = 1;"),
    (err: Error) => err instanceof CellSyntaxError && /line 1: a cell cannot export/.test(err.message),
  );
});
