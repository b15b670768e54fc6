/**
 * Several small images side by side — digits, filters, feature maps — as plotly heatmaps in a
 * grid of subplots: grayscale, row 0 at the top, square pixels, no axes.
 */
import * as tf from "@tensorflow/tfjs";
import { swapaxes } from "../tensor/swapaxes";
import {
  type AnnotationSpec,
  type AxisSpec,
  type Colorscale,
  type HeatmapTrace,
  type LayoutSpec,
  type Plot,
  TITLE_ROOM,
  captionOf,
  colorStops,
  roundForPlot,
} from "./spec";

/** Options for {@link imageGrid}. */
export interface ImageGridOptions {
  /**
   * How to read the tensor. `"images"` (default): N×H×W or N×H×W×1 — N images (H×W is one).
   * `"channels"`: H×W×C or 1×H×W×C — one image's C channels (feature maps), each drawn alone.
   */
  readonly from?: "images" | "channels";
  /** Images per row (default: all of them, at most 6). */
  readonly columns?: number;
  /** One caption per image, shown above it. */
  readonly titles?: readonly string[];
  /** Title of the whole figure. */
  readonly title?: string;
  /** Default `"gray"` (low = black, high = white); `"diverging"` suits maps with signs. */
  readonly colorscale?: Colorscale;
  /** Size of each image in pixels on a wide page (default 150). */
  readonly cellSize?: number;
  /**
   * `true`: one colour range for all images, so brightness compares across them. Default `false`:
   * each image uses its own min..max (feature maps can differ in scale by orders of magnitude).
   */
  readonly sharedScale?: boolean;
  /**
   * `true`: an image with negative values gets a colour range symmetric around 0 (−m..m, m its
   * largest magnitude), so 0 is the middle colour (gray) and the sign shows. Images without
   * negative values keep their own range. Default `false`. Combines with `sharedScale`.
   */
  readonly zeroCentered?: boolean;
  /** What to see in the plot, shown after the title in the figure's caption. */
  readonly caption?: string;
}

/** Drawing more subplots than this makes plotly slow; slice the tensor first. */
export const MAX_GRID_IMAGES = 100;

const TITLE_LINE_H = 15; // px per line of an image's caption (font size 12)
const TITLE_PAD = 7; // px between the caption and its image
const TITLE_CHAR_W = 7; // px a character of the caption takes, about (font size 12)
const GAP = 10; // px between images

/**
 * A caption broken at spaces into lines of at most `chars` characters (joined by plotly's <br>),
 * so that captions of neighbouring images do not run into each other. A word longer than a line
 * keeps its own line.
 */
export function wrapTitle(text: string, chars: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter((w) => w !== "")) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= chars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length ? lines : [""];
}

/** Brings the accepted shapes to N×H×W (a new tensor, disposed by the caller). */
function asImageStack(images: tf.Tensor, from: "images" | "channels"): tf.Tensor3D {
  const s = `[${images.shape.join(", ")}]`;
  if (from === "channels") {
    if (images.rank === 3) return swapaxes(swapaxes(images as tf.Tensor3D, 0, 2), 1, 2); // H×W×C → C×H×W
    if (images.rank === 4 && images.shape[0] === 1) return swapaxes(images as tf.Tensor4D, 0, 3).squeeze([3]) as tf.Tensor3D;
    throw new Error(
      `imageGrid: from "channels" expects one image, H×W×C or 1×H×W×C, got ${s}` +
        (images.rank === 4 ? " (a batch: slice one image first)" : ""),
    );
  }
  if (images.rank === 2) return images.expandDims(0) as tf.Tensor3D;
  if (images.rank === 3) {
    if (images.shape[2] === 1) {
      // N images of width 1 is almost never meant; one H×W×1 image is.
      throw new Error(`imageGrid: ${s} looks like one H×W×1 image; pass it as 1×H×W×1 (t.expandDims(0)) or use { from: "channels" }`);
    }
    return images.clone() as tf.Tensor3D;
  }
  if (images.rank === 4) {
    if (images.shape[3] !== 1) {
      throw new Error(`imageGrid: N×H×W×C images must have C = 1 (grayscale), got ${s}; for one image's channels use { from: "channels" }`);
    }
    return images.squeeze([3]) as tf.Tensor3D;
  }
  throw new Error(`imageGrid: expected N×H×W, N×H×W×1 or H×W, got ${s}`);
}

function checkCount(value: number | undefined, name: string, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`imageGrid: ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

/**
 * Builds an image grid from a tensor (read back once; the tensor is not disposed and no other
 * tensor is left behind). Values are rounded to 4 decimals in the spec.
 *
 * @example show(imageGrid(X.slice([0], [8]), { titles: labels, columns: 8 }))
 * @example show(imageGrid(featureMaps, { from: "channels", colorscale: "diverging" })) // 1×H×W×C
 */
export function imageGrid(images: tf.Tensor, opts: ImageGridOptions = {}): Plot {
  if (!(images instanceof tf.Tensor)) throw new Error("imageGrid: expected a tf.Tensor");
  const from = opts.from ?? "images";
  if (from !== "images" && from !== "channels")
    throw new Error(`imageGrid: unknown from "${String(from)}": expected "images" or "channels"`);
  const colorscale = colorStops(opts.colorscale ?? "gray");
  const { shape, values } = tf.tidy(() => {
    const stack = asImageStack(images, from);
    const count = stack.shape[0];
    if (count === 0) throw new Error(`imageGrid: no images to show (shape [${images.shape.join(", ")}])`);
    // Checked before reading the data back: a whole data set passed by mistake is not copied.
    if (count > MAX_GRID_IMAGES)
      throw new Error(`imageGrid: ${count} images is too many for one figure (max ${MAX_GRID_IMAGES}); slice the tensor first`);
    if (opts.titles !== undefined && opts.titles.length !== count) {
      throw new Error(`imageGrid: ${opts.titles.length} titles for ${count} images; give one per image`);
    }
    return { shape: stack.shape, values: stack.dataSync() };
  });
  const [n, h, w] = shape;
  const columns = Math.min(checkCount(opts.columns, "columns", Math.min(n, 6)), n);
  const cell = checkCount(opts.cellSize, "cellSize", 150);
  const rows = Math.ceil(n / columns);

  const range = (from: number, to: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let j = from; j < to; j++) {
      const v = values[j]!;
      if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    }
    return [lo, hi];
  };
  const shared = opts.sharedScale ? range(0, values.length) : undefined;
  /** The explicit colour range of image i, or undefined to let plotly use its min..max. */
  const colourRange = (i: number): { zmin: number; zmax: number } | undefined => {
    let [lo, hi] = shared ?? range(i * h * w, (i + 1) * h * w);
    if (!(lo <= hi)) return undefined; // no finite value at all
    if (opts.zeroCentered && lo < 0) {
      const m = Math.max(-lo, hi);
      [lo, hi] = [-m, m];
    } else if (!shared) {
      return undefined;
    }
    return { zmin: roundForPlot(lo) ?? lo, zmax: roundForPlot(hi) ?? hi };
  };

  const hasTitles = opts.titles !== undefined;
  const wrapped = (opts.titles ?? []).map((t) => wrapTitle(t, Math.max(4, Math.floor((cell + GAP) / TITLE_CHAR_W))));
  const titleH = hasTitles ? Math.max(...wrapped.map((l) => l.length)) * TITLE_LINE_H + TITLE_PAD : 0;
  const rowH = cell + titleH + GAP;
  const margin = { t: opts.title ? 8 + TITLE_ROOM : 8, r: 8, b: 8, l: 8 };
  const paperH = rows * rowH;
  const paperW = columns * (cell + GAP);
  const height = paperH + margin.t + margin.b;

  const data: HeatmapTrace[] = [];
  const annotations: AnnotationSpec[] = [];
  const axes: Record<string, AxisSpec> = {};
  for (let i = 0; i < n; i++) {
    const r = Math.floor(i / columns);
    const c = i % columns;
    const k = i === 0 ? "" : String(i + 1); // plotly names axes x, x2, x3, …
    const z: (number | null)[][] = [];
    for (let y = 0; y < h; y++) {
      const row: (number | null)[] = [];
      for (let x = 0; x < w; x++) row.push(roundForPlot(values[(i * h + y) * w + x]!));
      z.push(row);
    }
    data.push({
      type: "heatmap",
      z,
      xaxis: `x${k}`,
      yaxis: `y${k}`,
      name: opts.titles?.[i] ?? `image ${i}`,
      colorscale,
      showscale: false,
      ...colourRange(i),
      hovertemplate: "row %{y}, col %{x}: %{z}<extra>%{fullData.name}</extra>",
    });
    // Domains in paper fractions; the top of row 0 is at 1.
    const x0 = (c * (cell + GAP) + GAP / 2) / paperW;
    const x1 = (c * (cell + GAP) + GAP / 2 + cell) / paperW;
    const yTop = 1 - (r * rowH + titleH + GAP / 2) / paperH;
    const yBottom = yTop - cell / paperH;
    const hidden = { showticklabels: false, ticks: "", showgrid: false, zeroline: false } as const;
    axes[`xaxis${k}`] = { domain: [x0, x1], anchor: `y${k}`, constrain: "domain", ...hidden };
    axes[`yaxis${k}`] = {
      domain: [yBottom, yTop],
      anchor: `x${k}`,
      autorange: "reversed", // row 0 at the top, as images are stored
      scaleanchor: `x${k}`, // square pixels
      scaleratio: 1,
      constrain: "domain",
      ...hidden,
    };
    if (hasTitles) {
      annotations.push({
        text: wrapped[i]!.join("<br>"),
        x: (x0 + x1) / 2,
        y: yTop,
        xref: "paper",
        yref: "paper",
        xanchor: "center",
        yanchor: "bottom",
        showarrow: false,
        font: { size: 12 },
      });
    }
  }
  const layout: LayoutSpec = {
    ...(opts.title ? { title: { text: opts.title } } : {}),
    height,
    margin,
    showlegend: false,
    ...(annotations.length ? { annotations } : {}),
    ...axes,
  };
  return {
    data,
    layout,
    config: { responsive: true, displaylogo: false, displayModeBar: false },
    maxWidth: paperW + margin.l + margin.r,
    ...captionOf(opts),
  };
}
