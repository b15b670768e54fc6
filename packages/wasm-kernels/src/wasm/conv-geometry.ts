/**
 * Shared checks and geometry for the Conv2D gradient kernels: what we support (NHWC, float32,
 * dilation 1, any stride / kernel size / padding) and a clear error naming anything else —
 * an unsupported case must never turn into a silently wrong gradient.
 */
import * as tf from "@tensorflow/tfjs-core";

/** Padding as tfjs kernels take it: [[0,0],[top,bottom],[left,right],[0,0]] for NHWC. */
export type ExplicitPad = [[number, number], [number, number], [number, number], [number, number]];

/** Attributes common to Conv2DBackpropFilter and Conv2DBackpropInput (plus a stray `dilations`). */
export interface ConvGradAttrs {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | ExplicitPad;
  dataFormat?: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  dilations?: [number, number] | number;
}

/** Throws a named error for anything our wasm gradient kernels do not implement. */
export function assertSupported(kernelName: string, attrs: ConvGradAttrs, tensors: Record<string, tf.TensorInfo>): void {
  const format = attrs.dataFormat ?? "NHWC";
  if (format !== "NHWC") {
    throw new Error(`${kernelName} on the wasm backend supports dataFormat 'NHWC' (channels last) only, got '${format}'`);
  }
  const d = attrs.dilations ?? 1;
  const [dh, dw] = typeof d === "number" ? [d, d] : d;
  if (dh !== 1 || dw !== 1) {
    throw new Error(`${kernelName} on the wasm backend supports dilation 1 only, got dilations [${dh}, ${dw}]`);
  }
  for (const [name, t] of Object.entries(tensors)) {
    if (t.shape.length !== 4) {
      throw new Error(`${kernelName} on the wasm backend: ${name} must be rank 4 (NHWC), got shape [${t.shape}]`);
    }
    if (t.dtype !== "float32") {
      throw new Error(`${kernelName} on the wasm backend supports float32 only, ${name} is ${t.dtype}`);
    }
  }
}

/** tfjs's own shape/padding arithmetic for the forward convolution these gradients belong to. */
export function forwardConvInfo(
  inShape: readonly number[],
  filterShape: readonly number[],
  attrs: ConvGradAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}

/** Throws unless `dy` has the shape the forward convolution would have produced. */
export function assertDyShape(kernelName: string, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): void {
  const want = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  if (dy.shape.some((v, i) => v !== want[i])) {
    throw new Error(`${kernelName} on the wasm backend: dy has shape [${dy.shape}], expected [${want}]`);
  }
}
