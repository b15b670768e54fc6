/**
 * A cell's output in the page, written as JupyterLab (and the exported page) writes it:
 * `.jp-OutputArea-child` blocks of stdout text, stderr text and HTML, so the site's CSS shows
 * them like the kernel's stored outputs. `console.log`/`table`/`error` and tslab's display go to
 * the cell that is running ({@link capture}); console text is formatted as Node's is.
 */

/** Where a running cell writes. */
export interface OutputSink {
  text(text: string, stream: "stdout" | "stderr"): void;
  /** Adds an HTML block; returns it, for displays that update in place. */
  html(html: string): HTMLElement;
}

let current: OutputSink | null = null;

/** The sink of the cell that is running (null between cells). */
export function currentSink(): OutputSink | null {
  return current;
}

function child(area: HTMLElement, mime: string, cls: string): HTMLElement {
  const block = document.createElement("div");
  block.className = "jp-OutputArea-child";
  const prompt = document.createElement("div");
  prompt.className = "jp-OutputPrompt jp-OutputArea-prompt";
  const output = document.createElement("div");
  output.className = `${cls} jp-OutputArea-output`;
  output.dataset["mimeType"] = mime;
  block.append(prompt, output);
  area.append(block);
  return output;
}

/** Sets `html` into `el` and runs its scripts (innerHTML alone does not: plots draw from a script). */
export function setHtml(el: HTMLElement, html: string): void {
  el.innerHTML = html;
  for (const old of Array.from(el.querySelectorAll("script"))) {
    const s = document.createElement("script");
    for (const a of Array.from(old.attributes)) s.setAttribute(a.name, a.value);
    s.text = old.text;
    old.replaceWith(s);
  }
}

/** A sink writing into `area` (a `.jp-OutputArea`); consecutive text of one stream shares one block, as Jupyter's streams do. */
export function areaSink(area: HTMLElement): OutputSink {
  let last: { stream: string; pre: HTMLPreElement } | null = null;
  return {
    text(text, stream) {
      if (!last || last.stream !== stream) {
        const out = child(area, `application/vnd.jupyter.${stream}`, "jp-RenderedText");
        const pre = document.createElement("pre");
        out.append(pre);
        last = { stream, pre };
      }
      last.pre.textContent += text;
    },
    html(html) {
      last = null;
      const out = child(area, "text/html", "jp-RenderedHTMLCommon jp-RenderedHTML");
      setHtml(out, html);
      return out;
    },
  };
}

/** A value as Node's util.inspect shows it, for the common cases (strings quoted inside containers). */
export function inspect(value: unknown, nested = false, seen: unknown[] = []): string {
  if (typeof value === "string") return nested ? `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'` : value;
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

type ConsoleMethod = "log" | "info" | "debug" | "warn" | "error" | "table";
const METHODS: readonly ConsoleMethod[] = ["log", "info", "debug", "warn", "error", "table"];

/**
 * Runs `fn` with the console writing to `sink` (and to the browser's console, as before).
 * Output printed later by the cell's own timers goes to the cell that is running then, if any.
 */
export async function capture<T>(sink: OutputSink, fn: () => Promise<T>): Promise<T> {
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const m of METHODS) {
    const original = console[m].bind(console) as (...args: unknown[]) => void;
    saved.set(m, original);
    console[m] = (...args: unknown[]) => {
      const stream = m === "warn" || m === "error" ? "stderr" : "stdout";
      sink.text(`${m === "table" ? formatTable(args[0]) : formatLog(args)}\n`, stream);
      // The browser's console keeps only what the reader would not see: warnings and errors
      // stay in the cell (a page test fails on console errors, and the cell shows them already).
      if (stream === "stdout") original(...args);
    };
  }
  current = sink;
  try {
    return await fn();
  } finally {
    current = null;
    for (const [m, f] of saved) console[m] = f;
  }
}
