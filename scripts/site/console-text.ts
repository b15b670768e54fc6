/**
 * Console text in the lesson page as Node writes it in the kernel: `console.log`'s values
 * (util.inspect's form for the common cases: strings quoted inside arrays and objects) and
 * `console.table`'s box, so a cell run in the page prints what its stored output shows.
 * Pure (no DOM): the page's runner uses it (runner/output.ts), test/site/console-text.test.ts
 * compares it with Node's own console.
 */

/** A string inside a container, quoted as util.inspect does: single quotes, else the first of " and ` it does not hold. */
function quote(s: string): string {
  const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes("`") && !s.includes("${") ? "`" : "'";
  const escaped = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
}

/** A value as Node's util.inspect shows it, for the common cases (strings quoted inside containers). */
export function inspect(value: unknown, nested = false, seen: unknown[] = []): string {
  if (typeof value === "string") return nested ? quote(value) : value;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined || value === null || typeof value === "boolean" || typeof value === "symbol") return String(value);
  if (typeof value === "function") return `[Function: ${value.name || "(anonymous)"}]`;
  if (seen.includes(value)) return "[Circular]";
  const inner = [...seen, value];
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number>, (v) => inspect(v, true, inner));
    return `${value.constructor.name}(${items.length}) [ ${items.join(", ")} ]`;
  }
  if (Array.isArray(value)) return value.length === 0 ? "[]" : `[ ${value.map((v) => inspect(v, true, inner)).join(", ")} ]`;
  if (value instanceof Map)
    return `Map(${value.size}) { ${[...value].map(([k, v]) => `${inspect(k, true, inner)} => ${inspect(v, true, inner)}`).join(", ")} }`;
  if (value instanceof Set) return `Set(${value.size}) { ${[...value].map((v) => inspect(v, true, inner)).join(", ")} }`;
  const print = (value as { toString?: () => string }).toString;
  if (print && print !== Object.prototype.toString && !Object.hasOwn(value, "toString")) {
    // tfjs tensors print themselves (Tensor\n  [[1, 2], …]), as in Node.
    const s = String(value);
    if (s !== "[object Object]") return s;
  }
  const entries = Object.entries(value as object);
  if (entries.length === 0) return "{}";
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : inspect(k, true));
  return `{ ${entries.map(([k, v]) => `${key(k)}: ${inspect(v, true, inner)}`).join(", ")} }`;
}

/** console.log's line for its arguments (no format specifiers beyond plain joining). */
export function formatLog(args: readonly unknown[]): string {
  return args.map((a) => inspect(a)).join(" ");
}

/** console.table's box as Node ≥ 23 draws it: an (index) column, left-aligned cells, strings quoted. */
export function formatTable(data: unknown): string {
  if (data === null || typeof data !== "object") return formatLog([data]);
  const rows = Object.entries(data as object);
  const columns: string[] = [];
  let values = false;
  for (const [, row] of rows) {
    if (row !== null && typeof row === "object") {
      for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    } else values = true;
  }
  const header = ["(index)", ...columns, ...(values ? ["Values"] : [])];
  const body = rows.map(([index, row]) => {
    const isObj = row !== null && typeof row === "object";
    const cells = columns.map((c) => (isObj && Object.hasOwn(row, c) ? inspect((row as Record<string, unknown>)[c], true) : ""));
    return [index, ...cells, ...(values ? [isObj ? "" : inspect(row, true)] : [])];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)) + 2);
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w)).join(m) + r;
  const row = (cells: readonly string[]) => `│${cells.map((c, i) => ` ${c.padEnd(widths[i]! - 1)}`).join("│")}│`;
  return [line("┌", "┬", "┐"), row(header), line("├", "┼", "┤"), ...body.map(row), line("└", "┴", "┘")].join("\n");
}
