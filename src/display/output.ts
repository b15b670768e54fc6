/**
 * Rich output in the tslab kernel, plain text elsewhere.
 *
 * The same helpers run in notebooks (tslab kernel), in `npm run train` on a terminal and in
 * unit tests. tslab's display throws "Not ready" outside a kernel, so every rich output goes
 * through here and degrades to its text form instead of crashing a script.
 */
import type * as Tslab from "tslab";

let tslabModule: typeof Tslab | null | undefined;

function tslab(): typeof Tslab | null {
  if (tslabModule === undefined) {
    try {
      tslabModule = require("tslab") as typeof Tslab;
    } catch {
      tslabModule = null;
    }
  }
  return tslabModule;
}

/** True when running inside a tslab kernel that can show rich output. */
export function inKernel(): boolean {
  if (!tslab()) return false;
  // tslab's public display throws "Not ready" until its kernel has installed this hook.
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData?: unknown };
  return jupyter.lastWriteDisplayData != null;
}

/** A display area: rich in the kernel, text on a terminal. Each call replaces what the area shows. */
export interface DisplayArea {
  html(html: string, textFallback: string): void;
  text(text: string): void;
}

/** Shows HTML once (falls back to `textFallback` on stdout outside a kernel). */
export function showHtml(html: string, textFallback: string): void {
  const t = inKernel() ? tslab() : null;
  if (t) t.display.html(html);
  else console.log(textFallback);
}

/**
 * A display that updates in place (tslab's newDisplay) — for progress reports. Outside a kernel
 * each update is a new line on stdout (or, on a TTY, rewrites the current line).
 */
export function newDisplayArea(): DisplayArea {
  const t = inKernel() ? tslab() : null;
  if (t) {
    const d = t.newDisplay();
    return { html: (h) => d.html(h), text: (s) => d.text(s) };
  }
  const tty = Boolean(process.stdout.isTTY);
  const write = (s: string) => {
    if (tty) process.stdout.write(`\r\x1b[K${s}`);
    else console.log(s);
  };
  return { html: (_h, text) => write(text), text: write };
}
