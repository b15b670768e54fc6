/**
 * The widget: pad + clear button, the 28×28 input as the model sees it, the ten probabilities as
 * bars, the first convolution's feature maps, one-click test digits and the model's facts.
 * State for tests and curious readers: `element.tsdlDemo` (see {@link DemoState}).
 */
import * as tf from "@tensorflow/tfjs";
import { MNIST_SIDE, mnistStyle } from "../preprocess";
import { base64Bytes, type DemoExample, type DemoPayload } from "../payload";
import type { Network } from "./network";
import { Pad } from "./pad";

/** What the widget last showed; `predicted === changes` once the latest ink has been read. */
export interface DemoState {
  changes: number;
  predicted: number;
  /** Milliseconds the last reading took (preprocessing, network, drawing). */
  ms: number;
  input: number[] | null;
  probabilities: number[] | null;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Paints `values` (row-major, `side`×`side`) on a canvas: ink dark on white, or bright on dark. */
function paint(canvas: HTMLCanvasElement, values: ArrayLike<number> | null, side: number, max = 1, ink = true): void {
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext("2d")!;
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = values ? Math.min(1, Math.max(0, values[i]! / max)) : 0;
    const g = Math.round(255 * (ink ? 1 - v : v));
    image.data.set([g, g, g, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

function percent(p: number, digits = 1): string {
  return `${(100 * p).toFixed(digits)} %`;
}

function exampleTitle(e: DemoExample): string {
  return e.label === e.predicted
    ? `test digit ${e.index}: a ${e.label}`
    : `test digit ${e.index}: a ${e.label} the network reads as ${e.predicted} (${percent(e.confidence, 0)} sure) — a mistake from the lesson's gallery`;
}

/** The line under the pad: which model, from which run, how good, and where it runs (once it does). */
function factsLine(p: DemoPayload, net: Network | null): string {
  const m = p.metadata;
  const acc = p.test.accuracy;
  const se = Math.sqrt((acc * (1 - acc)) / p.test.size);
  const when = p.savedAt.replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");
  const runs = net
    ? `${net.backend.name} backend${net.backend.notice ? ` (${net.backend.notice})` : ""}; feature maps of layer ${net.firstConv}.`
    : "the backend starts with your first stroke.";
  return (
    `Model: ${String(m["model"] ?? "cnn")}, trained by this lesson's run (profile ${String(m["profile"] ?? "?")}, saved ${when}); ` +
    `test accuracy ${percent(acc, 2)} ± ${percent(se, 2)} on ${p.test.size.toLocaleString("en")} test images. ` +
    `It runs here, in your browser: TensorFlow.js ${tf.version.tfjs}, ${runs}`
  );
}

/**
 * Mounts the widget on `root`; `network` loads the model on the page's backend, called on the
 * first stroke or test digit (starting wasm takes a moment, and a reader who never draws needs none).
 */
export function mountWidget(root: HTMLElement, payload: DemoPayload, network: () => Promise<Network>): void {
  const state: DemoState = { changes: 0, predicted: 0, ms: 0, input: null, probabilities: null };
  (root as HTMLElement & { tsdlDemo: DemoState }).tsdlDemo = state;
  root.replaceChildren();
  root.append(el("p", "tsdl-demo-title", "Try it: draw a digit. The network trained above reads it as you draw."));

  const row = el("div", "tsdl-demo-row");
  const padBox = el("div", "tsdl-demo-col");
  const pad = new Pad(() => changed());
  const clear = el("button", "tsdl-demo-clear", "Clear");
  clear.type = "button";
  clear.addEventListener("click", () => pad.clear());
  padBox.append(pad.canvas, clear);

  const seenBox = el("div", "tsdl-demo-col");
  const seen = el("canvas", "tsdl-demo-input");
  seen.setAttribute("role", "img");
  seen.setAttribute("aria-label", "The 28×28 input the network sees");
  paint(seen, null, MNIST_SIDE);
  seenBox.append(el("div", "tsdl-demo-caption", "What the network sees (28×28)"), seen);

  const barsBox = el("div", "tsdl-demo-col tsdl-demo-bars");
  const bars = Array.from({ length: 10 }, (_, d) => {
    const line = el("div", "tsdl-demo-bar");
    const fill = el("span", "tsdl-demo-fill");
    const value = el("span", "tsdl-demo-value", "");
    const track = el("span", "tsdl-demo-track");
    track.append(fill);
    line.append(el("span", "tsdl-demo-digit", String(d)), track, value);
    barsBox.append(line);
    return { line, fill, value };
  });
  const verdict = el("div", "tsdl-demo-caption", "Draw a digit in the box.");
  // Said by a screen reader when it changes (politely: after what it is saying, the latest only).
  verdict.setAttribute("role", "status");
  verdict.setAttribute("aria-live", "polite");
  verdict.setAttribute("aria-atomic", "true");
  barsBox.prepend(verdict);
  row.append(padBox, seenBox, barsBox);

  const examples = el("div", "tsdl-demo-examples");
  examples.append(el("span", "tsdl-demo-caption", "Test digits:"));
  for (const e of payload.examples) {
    const b = el("button", e.label === e.predicted ? "tsdl-demo-example" : "tsdl-demo-example tsdl-demo-mistake");
    b.type = "button";
    // The visible text ("7", "4→9") is the button's name, as voice control users read it; the
    // title says which test digit it is and is read as the description.
    b.title = exampleTitle(e);
    const thumb = el("canvas", "");
    const pixels = base64Bytes(e.pixels);
    paint(thumb, pixels, MNIST_SIDE, 255);
    b.append(thumb, el("span", "", e.label === e.predicted ? String(e.label) : `${e.label}→${e.predicted}`));
    b.addEventListener("click", () => pad.showDigit(pixels));
    examples.append(b);
  }

  const mapsBox = el("div", "tsdl-demo-maps");
  const maps: HTMLCanvasElement[] = [];
  const mapsCaption = el("div", "tsdl-demo-caption", "");
  const mapsGrid = el("div", "tsdl-demo-grid");
  mapsBox.append(mapsCaption, mapsGrid);

  const facts = el("p", "tsdl-demo-facts", factsLine(payload, null));
  root.append(row, examples, mapsBox, facts);

  // Reading takes milliseconds (tens on the cpu backend) and blocks the page meanwhile: after
  // each reading, wait twice as long as it took before the next, so strokes stay smooth.
  let pending = false;
  let lastEnd = 0;
  let net: Network | null = null;
  let starting = false;
  function changed(): void {
    state.changes += 1;
    if (!net) {
      // The first ink loads the network; it then reads whatever the pad holds by then.
      if (starting) return;
      starting = true;
      verdict.textContent = "Starting the network…";
      void network().then(
        (n) => {
          net = n;
          facts.textContent = factsLine(payload, n);
          read();
        },
        (err: unknown) => {
          root.textContent = `The drawing pad could not start: ${(err as Error).message}`;
          root.classList.add("tsdl-demo-error");
          throw err; // and the console says it, as a failed start always did
        },
      );
      return;
    }
    if (pending) return;
    pending = true;
    setTimeout(read, Math.max(0, lastEnd + 2 * state.ms - performance.now()));
  }

  function read(): void {
    pending = false;
    const started = performance.now();
    const version = state.changes;
    const input = mnistStyle(pad.ink());
    paint(seen, input, MNIST_SIDE);
    if (!input) {
      for (const b of bars) {
        b.fill.style.width = "0";
        b.value.textContent = "";
        b.line.classList.remove("tsdl-demo-top");
      }
      verdict.textContent = "Draw a digit in the box.";
      for (const c of maps) paint(c, null, c.width);
      Object.assign(state, { input: null, probabilities: null });
    } else {
      const r = net!.read(input);
      const p = Array.from(r.probabilities);
      const top = p.indexOf(Math.max(...p));
      bars.forEach((b, d) => {
        b.fill.style.width = `${(100 * p[d]!).toFixed(2)}%`;
        b.value.textContent = percent(p[d]!);
        b.line.classList.toggle("tsdl-demo-top", d === top);
      });
      verdict.textContent = `The network reads a ${top} (${percent(p[top]!)}).`;
      drawMaps(r.maps, r.mapSize, r.channels);
      Object.assign(state, { input: Array.from(input), probabilities: p });
    }
    state.predicted = version;
    lastEnd = performance.now();
    state.ms = lastEnd - started;
  }

  function drawMaps(values: Float32Array, size: number, channels: number): void {
    if (maps.length !== channels) {
      mapsCaption.textContent = `The first convolution layer's ${channels} feature maps (${size}×${size}, after ReLU; each scaled to its own maximum, bright = strong response)`;
      mapsGrid.replaceChildren(...Array.from({ length: channels }, () => el("canvas", "")));
      maps.splice(0, maps.length, ...(Array.from(mapsGrid.children) as HTMLCanvasElement[]));
    }
    for (let ch = 0; ch < channels; ch++) {
      const one = new Float32Array(size * size);
      let max = 0;
      for (let i = 0; i < size * size; i++) {
        one[i] = values[i * channels + ch]!;
        max = Math.max(max, one[i]!);
      }
      paint(maps[ch]!, one, size, max || 1, false);
    }
  }
}
