/**
 * Entry of the page's bundle (assets/tsdl-demo.js): mounts a widget on every
 * `.tsdl-demo[data-model-id]` element, with the model that `window.tsdlDemoModels[id]` holds
 * (from the page's own model script). Needs the site's shared tfjs (`window.tf`) loaded first.
 * The site's assets folder is this script's own (for the wasm backend); inline in a notebook's
 * output there is none, and the pad runs on cpu.
 */
import { DEMO_GLOBAL, type DemoPayload } from "../payload";
import { loadNetwork } from "./network";
import { DEMO_CSS } from "./style";
import { mountWidget } from "./widget";

const script = document.currentScript as HTMLScriptElement | null;
const assets = script?.src ? new URL(".", script.src).href.replace(/\/$/, "") : null;

async function start(): Promise<void> {
  // A notebook runs this bundle once per output: mount only the pads not mounted yet.
  const roots = [...document.querySelectorAll<HTMLElement>(".tsdl-demo[data-model-id]:not([data-mounted])")];
  if (roots.length === 0) return;
  if (!document.getElementById("tsdl-demo-css")) {
    const style = document.createElement("style");
    style.id = "tsdl-demo-css";
    style.textContent = DEMO_CSS;
    document.head.append(style);
  }
  const models = ((window as unknown as Record<string, unknown>)[DEMO_GLOBAL] ?? {}) as Record<string, DemoPayload>;
  for (const root of roots) {
    root.dataset["mounted"] = "";
    const payload = models[root.dataset["modelId"]!];
    try {
      if (!payload) throw new Error(`model ${root.dataset["modelId"]} was not loaded (its script is missing)`);
      mountWidget(root, payload, () => loadNetwork(payload, assets));
    } catch (err) {
      root.textContent = `The drawing pad could not start: ${(err as Error).message}`;
      root.classList.add("tsdl-demo-error");
      throw err;
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void start());
else void start();
