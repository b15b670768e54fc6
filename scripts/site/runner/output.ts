/**
 * A cell's output in the page, written as JupyterLab (and the exported page) writes it:
 * `.jp-OutputArea-child` blocks of stdout text, stderr text and HTML, so the site's CSS shows
 * them like the kernel's stored outputs. `console.log`/`table`/`error` and tslab's display go to
 * the cell that is running ({@link capture}); console text is formatted as Node's is (../console-text.ts).
 */

/** Where a running cell writes. */
export interface OutputSink {
  text(text: string, stream: "stdout" | "stderr"): void;
  /** Adds an HTML block; returns it, for displays that update in place. */
  html(html: string): HTMLElement;
}

import { formatLog, formatTable } from "../console-text";

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
