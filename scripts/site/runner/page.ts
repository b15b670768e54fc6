/**
 * The lesson page's Run controls (assets/runner/page.js, a few kB, deferred): each code cell's
 * code becomes editable, with a Run button (Shift+Enter in the code does the same), and the page
 * gets Run all and Reset. The runner itself — tfjs, the type eraser, the library — loads on the
 * first Run only, as classic scripts from the site (file:// pages cannot import modules), so the
 * page paints as fast as without it. The stored outputs stay until their cell runs; Reset puts
 * back the code and outputs of the lesson and forgets what the cells declared.
 */
import type { PageRunner } from "./runtime";
import { loadScript } from "../../../src/backend/browser/site-assets";

/** The scripts the runner needs, relative to the site's assets folder, in load order. */
const RUNNER_SCRIPTS = ["tfjs/tf.min.js", "runner/tsdl-runner.js"];
const MNIST_SCRIPT = "runner/mnist-fast.js";
/** Cells that read MNIST: the page loads the images before the first of them runs. */
const USES_MNIST = /\b(loadMnist|mnistDigits|readMnistSplitSync)\b/;

interface Cell {
  readonly el: HTMLElement;
  readonly code: HTMLElement;
  readonly prompt: HTMLElement | null;
  readonly button: HTMLButtonElement;
  readonly original: { code: string; prompt: string; hadOutputs: boolean };
  /** The stored outputs (nodes, so plots keep what plotly drew), kept aside once the cell runs. */
  storedOutputs: Node[] | null;
  ran: boolean;
}

/** A hidden check cell: its code, and the index of the visible cell it comes before. */
interface Check {
  readonly source: string;
  readonly before: number;
  ran: boolean;
}

const script = document.currentScript as HTMLScriptElement | null;
const assets = script ? new URL("..", script.src).href.replace(/\/$/, "") : "assets";

function outputArea(cell: Cell): HTMLElement {
  const existing = cell.el.querySelector<HTMLElement>(".jp-Cell-outputWrapper .jp-OutputArea");
  if (existing) return existing;
  const wrapper = document.createElement("div");
  wrapper.className = "jp-Cell-outputWrapper";
  const area = document.createElement("div");
  area.className = "jp-OutputArea jp-Cell-outputArea";
  wrapper.append(area);
  cell.el.append(wrapper);
  return area;
}

function setup(): void {
  const main = document.querySelector("main");
  const els = Array.from(document.querySelectorAll<HTMLElement>("main .jp-CodeCell"));
  if (!main || els.length === 0) return;

  const bar = document.createElement("div");
  bar.className = "tsdl-run-bar";
  bar.setAttribute("role", "group");
  bar.setAttribute("aria-label", "Run this lesson in the page");
  const runAll = document.createElement("button");
  runAll.type = "button";
  runAll.textContent = "Run all";
  const reset = document.createElement("button");
  reset.type = "button";
  reset.textContent = "Reset";
  const status = document.createElement("span");
  status.className = "tsdl-run-status";
  status.setAttribute("role", "status");
  status.textContent = `Edit any code cell and run it here (${els.length} cells; the first run loads about 2.4 MB).`;
  bar.append(runAll, reset, status);
  main.prepend(bar);

  const cells: Cell[] = els.flatMap((el, i) => {
    const code = el.querySelector<HTMLElement>(".jp-InputArea-editor pre");
    if (!code) return [];
    const prompt = el.querySelector<HTMLElement>(".jp-InputPrompt");
    code.contentEditable = "plaintext-only";
    code.spellcheck = false;
    code.setAttribute("role", "textbox");
    code.setAttribute("aria-multiline", "true");
    code.setAttribute("aria-label", `Code of cell ${i + 1}`);
    code.classList.add("tsdl-code-edit");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "tsdl-run-cell";
    button.textContent = "Run";
    button.setAttribute("aria-label", `Run cell ${i + 1}`);
    (prompt ?? el).append(button);
    const cell: Cell = {
      el,
      code,
      prompt,
      button,
      original: {
        code: code.innerHTML,
        prompt: prompt?.firstChild?.textContent ?? "",
        hadOutputs: el.querySelector(".jp-Cell-outputWrapper .jp-OutputArea") !== null,
      },
      storedOutputs: null,
      ran: false,
    };
    return [cell];
  });

  // The lesson's check cells: not shown, their code kept in the page (render_pages.py).
  const steps: (Cell | Check)[] = [];
  for (const el of Array.from(document.querySelectorAll<HTMLElement>("main .jp-CodeCell, main template.tsdl-check-cell"))) {
    if (el instanceof HTMLTemplateElement) {
      const next = cells.findIndex((c) => el.compareDocumentPosition(c.el) & Node.DOCUMENT_POSITION_FOLLOWING);
      steps.push({ source: el.content.textContent ?? "", before: next < 0 ? cells.length : next, ran: false });
    } else {
      const cell = cells.find((c) => c.el === el);
      if (cell) steps.push(cell);
    }
  }

  let runner: Promise<PageRunner> | null = null;
  let mnist: Promise<void> | null = null;
  /** The MNIST images (2.3 MB), loaded before the first cell that reads them, not before. */
  const loadMnist = (r: PageRunner) => {
    mnist ??= (async () => {
      say("Loading MNIST's fast-profile images…");
      await loadScript(`${assets}/${MNIST_SCRIPT}`);
      await r.unpackMnist();
    })().catch((err) => {
      mnist = null;
      throw err;
    });
    return mnist;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let counter = 0;
  let generation = 0; // bumped by Reset: queued runs of an earlier generation are dropped

  const say = (text: string) => {
    status.textContent = text;
  };
  const source = (c: Cell) => c.code.textContent ?? "";
  const load = () => {
    runner ??= (async () => {
      say("Loading the runner (tfjs, its wasm backend and the library, about 2.4 MB)…");
      for (const s of RUNNER_SCRIPTS) {
        if (s.startsWith("tfjs/") && (window as unknown as { tf?: unknown }).tf) continue;
        await loadScript(`${assets}/${s}`);
      }
      const r = (window as unknown as { tsdlRunner: PageRunner }).tsdlRunner;
      await r.prepare(assets);
      return r;
    })().catch((err) => {
      runner = null;
      throw err;
    });
    return runner;
  };

  const setPrompt = (c: Cell, mark: string) => {
    if (c.prompt?.firstChild) c.prompt.firstChild.textContent = `In\u00a0[${mark}]:`;
  };

  /** Runs cell `k`, and first every earlier cell that has not run yet (they declare what it uses). */
  const runUpTo = (k: number, all: boolean) => {
    const gen = generation;
    queue = queue.then(async () => {
      if (gen !== generation) return;
      let r: PageRunner;
      try {
        r = await load();
      } catch (err) {
        say(`The runner did not load: ${(err as Error).message}`);
        return;
      }
      // The lesson's hidden checks run in their place too: a later cell may use a name one declares.
      const before = (c: Cell | Check, i: number) => i < k || (i === k && "before" in c);
      const todo = steps.filter((c) => c === cells[k] || (before(c, "before" in c ? c.before : cells.indexOf(c)) && (all || !c.ran)));
      for (const c of todo) {
        if (gen !== generation) return;
        if ("before" in c) {
          if (USES_MNIST.test(c.source)) await loadMnist(r).catch(() => undefined);
          const ok = await r.runCell(c.source, document.createElement("div"));
          c.ran = true;
          if (!ok) {
            say(`A check of the lesson (hidden, before cell ${c.before + 1}) failed: it no longer holds with this code.`);
            return;
          }
          continue;
        }
        const n = cells.indexOf(c) + 1;
        if (USES_MNIST.test(source(c))) {
          try {
            await loadMnist(r);
          } catch (err) {
            say(`The runner did not load: ${(err as Error).message}`);
            return;
          }
        }
        say(`Running cell ${n} of ${cells.length}…`);
        setPrompt(c, "*");
        c.el.setAttribute("aria-busy", "true");
        const area = outputArea(c);
        c.storedOutputs ??= Array.from(area.childNodes);
        const ok = await r.runCell(source(c), area);
        c.el.removeAttribute("aria-busy");
        counter += 1;
        setPrompt(c, String(counter));
        c.ran = true;
        c.el.dataset["tsdlRun"] = ok ? "ok" : "failed"; // for the reader's CSS and the browser test
        if (!ok) {
          say(`Cell ${n} failed: see its output.`);
          return;
        }
      }
      say(all ? `Ran all ${cells.length} cells.` : `Ran cell ${k + 1}.`);
    });
  };

  cells.forEach((c, i) => {
    c.button.addEventListener("click", () => runUpTo(i, false));
    c.code.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.shiftKey) {
        e.preventDefault();
        runUpTo(i, false);
      }
    });
  });
  runAll.addEventListener("click", () => runUpTo(cells.length, true)); // past the last cell: the checks after it too
  reset.addEventListener("click", () => {
    generation += 1;
    counter = 0;
    for (const c of cells) {
      c.code.innerHTML = c.original.code;
      if (c.prompt?.firstChild) c.prompt.firstChild.textContent = c.original.prompt;
      const area = c.el.querySelector(".jp-Cell-outputWrapper .jp-OutputArea");
      if (!c.original.hadOutputs) c.el.querySelector(".jp-Cell-outputWrapper")?.remove();
      else if (area && c.storedOutputs) area.replaceChildren(...c.storedOutputs);
      c.storedOutputs = null;
      c.ran = false;
      delete c.el.dataset["tsdlRun"];
    }
    for (const c of steps) c.ran = false;
    queue = queue.then(async () => {
      if (runner) (await runner).reset();
    });
    say("Reset: the lesson's code and outputs are back; nothing has run.");
  });
}

setup();
