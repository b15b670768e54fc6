/**
 * What the exported page gets: the lesson's model (model.json's contents and its weights, base64)
 * with the facts shown under the pad, in a script that registers it on `window` — a plain
 * `<script src>` works from file://, where the browser refuses `fetch`. No Node and no DOM here:
 * the export writes it, the page's bundle reads it.
 */

/** A test digit the reader can load onto the pad with one click. */
export interface DemoExample {
  /** Position in the lesson's test set. */
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
  /** The probability the model gave `predicted`. */
  readonly confidence: number;
  /** 784 bytes (0-255, row-major), base64. */
  readonly pixels: string;
}

/** The facts of a model shown with the pad (the manifest without its format tag). */
export interface DemoFacts {
  /** SHA-256 (hex) of model.json, weights.bin and the other facts (see ../manifest's demoId). */
  readonly id: string;
  /** ISO time of the save. */
  readonly savedAt: string;
  /** The model's metadata as saved in model.json (profile, testAccuracy, …). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Accuracy on the lesson's test set and that set's size. */
  readonly test: { readonly accuracy: number; readonly size: number };
  readonly examples: readonly DemoExample[];
}

/** The model as saved (model.json's fields the page needs). */
export interface DemoModelJson {
  readonly modelTopology: object;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly object[] }[];
}

/** One model for the page. */
export interface DemoPayload extends DemoFacts {
  readonly modelJson: DemoModelJson;
  /** weights.bin, base64. */
  readonly weights: string;
}

/** Bytes from base64 (atob exists in browsers and in Node ≥ 16). */
export function base64Bytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The payload's model as tfjs model artifacts, for `tf.loadLayersModel(tf.io.fromMemory(...))`. */
export function payloadArtifacts(payload: DemoPayload): { modelTopology: object; weightSpecs: object[]; weightData: ArrayBuffer } {
  return {
    modelTopology: payload.modelJson.modelTopology,
    weightSpecs: payload.modelJson.weightsManifest.flatMap((g) => g.weights),
    weightData: base64Bytes(payload.weights).buffer as ArrayBuffer,
  };
}

/** The `window` property holding the page's models by id. */
export const DEMO_GLOBAL = "tsdlDemoModels";

/** The script that registers `payload` on `window[DEMO_GLOBAL][payload.id]`. */
export function demoPayloadScript(payload: DemoPayload): string {
  // JSON is valid JavaScript; escaping "<" keeps "</script>" out even if the file is ever inlined.
  const json = JSON.stringify(payload).replace(/</g, "\\u003c");
  return `(window.${DEMO_GLOBAL} = window.${DEMO_GLOBAL} || {})[${JSON.stringify(payload.id)}] = ${json};\n`;
}

/** The payload back from a script written by {@link demoPayloadScript} (Node reads the page's own copy). */
export function parseDemoPayloadScript(script: string): DemoPayload {
  const start = script.indexOf("= {");
  if (!script.startsWith(`(window.${DEMO_GLOBAL}`) || start < 0) throw new Error("not a demo model script");
  return JSON.parse(
    script
      .slice(start + 2)
      .trim()
      .replace(/;$/, ""),
  ) as DemoPayload;
}
