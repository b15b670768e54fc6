import { test } from "node:test";
import assert from "node:assert/strict";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { formatLog, formatTable, inspect } from "../../scripts/site/console-text";
import { outputSizeTable } from "../../src/conv/output-size";

/** What Node's own console prints for `method(...args)`, without its trailing newline. */
function nodeConsole(method: "log" | "table", ...args: unknown[]): string {
  let text = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const c = new Console({ stdout: sink, colorMode: false });
  if (method === "table") c.table(args[0]);
  else c.log(...args);
  return text.replace(/\n$/, "");
}

test("formatTable: the box Node's console.table draws, for lesson 1's output-size table and mixed rows", () => {
  const rows = outputSizeTable(7, 3, [1, 2, 3]);
  assert.equal(formatTable(rows), nodeConsole("table", rows));
  const mixed = { a: { x: 1, y: "two" }, b: { y: "it's", z: true } };
  assert.equal(formatTable(mixed), nodeConsole("table", mixed));
  assert.equal(formatTable([3, "x"]), nodeConsole("table", [3, "x"]));
});

test("formatLog: console.log's line for strings, numbers, short arrays and flat objects, as Node prints them", () => {
  for (const args of [
    ["X:", [1, 3, 3, 1], "  W:", [2, 2, 1, 1]],
    ["a", 1.5, -0, null, undefined, true],
    [{ size: 4, fits: "yes" }],
    [[]],
    [{}],
  ]) {
    assert.equal(formatLog(args), nodeConsole("log", ...args), JSON.stringify(args));
  }
});

test("inspect: strings are quoted only inside containers; cycles do not loop", () => {
  assert.equal(inspect("top"), "top");
  assert.equal(inspect(["in"]), "[ 'in' ]");
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic["self"] = cyclic;
  assert.equal(inspect(cyclic), "{ a: 1, self: [Circular] }");
});
