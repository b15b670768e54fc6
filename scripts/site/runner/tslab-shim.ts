/**
 * tslab's display API in the page (esbuild maps `tslab` here): the library's display code
 * (src/display/output.ts) finds "a kernel" and shows HTML, tables, plots and training progress
 * in the running cell, as it does in Jupyter. `tslab/dist/jupyter` maps to {@link jupyter}.
 */
import { currentSink, setHtml } from "./output";

function sink() {
  const s = currentSink();
  if (!s) throw new Error("display: no cell is running (a display must come from a cell's own code)");
  return s;
}

const escapeText = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The part of tslab's `display` the library calls. */
export const display = {
  html(html: string): void {
    sink().html(html);
  },
  text(text: string): void {
    sink().text(`${text}\n`, "stdout");
  },
};

/** tslab's newDisplay: one block, replaced by each call (fit's progress). */
export function newDisplay(): { html(html: string): void; text(text: string): void } {
  let block: HTMLElement | null = null;
  const s = sink();
  const put = (html: string) => {
    if (block) setHtml(block, html);
    else block = s.html(html);
  };
  return { html: put, text: (t) => put(`<pre>${escapeText(t)}</pre>`) };
}

/** `tslab/dist/jupyter`: the library checks this hook to know it runs in a kernel. */
export const jupyter = { lastWriteDisplayData: () => undefined };
