/**
 * One image's affine transform, and its translation into the 8-number rows `tf.image.transform`
 * expects.
 *
 * Conventions (screen coordinates: x = column, to the right; y = row, downwards; pixel centres at
 * integers; the centre of an H×W image is ((W−1)/2, (H−1)/2), 13.5 for 28 px):
 * - `shiftX` > 0 moves the digit right, `shiftY` > 0 moves it down, in pixels;
 * - `rotationDeg` > 0 turns the digit counter-clockwise as it is displayed;
 * - `scale` > 1 enlarges it about the centre;
 * - `shearDeg` > 0 slants it like italic type (top to the right, bottom to the left).
 * The digit is first zoomed, then slanted, then rotated (all about the centre), then shifted.
 */

/** One image's transform. {@link IDENTITY_TRANSFORM} leaves an image as it is. */
export interface DigitTransform {
  readonly shiftX: number;
  readonly shiftY: number;
  readonly rotationDeg: number;
  readonly scale: number;
  readonly shearDeg: number;
}

/** The transform that changes nothing. */
export const IDENTITY_TRANSFORM: Readonly<DigitTransform> = Object.freeze({
  shiftX: 0,
  shiftY: 0,
  rotationDeg: 0,
  scale: 1,
  shearDeg: 0,
});

const TRANSFORM_KEYS = Object.keys(IDENTITY_TRANSFORM) as readonly (keyof DigitTransform)[];

/** Completes a partial transform with identity values and checks it; `what` names it in errors. */
export function resolveDigitTransform(t: Partial<DigitTransform>, what: string): DigitTransform {
  for (const key of Object.keys(t)) {
    if (!(TRANSFORM_KEYS as readonly string[]).includes(key)) {
      throw new Error(`${what}: unknown field "${key}" (expected ${TRANSFORM_KEYS.join(", ")})`);
    }
  }
  const full: DigitTransform = { ...IDENTITY_TRANSFORM, ...t };
  for (const key of TRANSFORM_KEYS) {
    const v = full[key];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${what}: ${key} must be a finite number, got ${String(v)}`);
  }
  if (full.scale <= 0) throw new Error(`${what}: scale must be > 0, got ${full.scale}`);
  // tan(±90°) is infinite: the slanted image would be a line.
  if (Math.abs(full.shearDeg) >= 80) throw new Error(`${what}: shearDeg must lie strictly within ±80°, got ${full.shearDeg}`);
  return full;
}

/**
 * Writes the `tf.image.transform` row of `t` into `out[offset..offset+8)`.
 *
 * `tf.image.transform` pulls: for every output pixel p it samples the input at M·p + b. So the
 * row holds the inverse of the forward map p_out = A·(p_in − c) + c + t, with A = R·Sh·S:
 * p_in = A⁻¹·(p_out − c − t) + c. The last two numbers (projective part) stay 0.
 */
export function writeTransformRow(t: DigitTransform, height: number, width: number, out: Float32Array, offset: number): void {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const th = (t.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const k = Math.tan((t.shearDeg * Math.PI) / 180);
  const s = t.scale;
  // R (counter-clockwise on screen, y down) = [[cos, sin], [−sin, cos]]; Sh = [[1, −k], [0, 1]];
  // S = s·I. A = R·Sh·S:
  const a00 = s * cos;
  const a01 = s * (sin - k * cos);
  const a10 = -s * sin;
  const a11 = s * (k * sin + cos);
  const det = a00 * a11 - a01 * a10; // = s², never 0 since s > 0
  const m00 = a11 / det;
  const m01 = -a01 / det;
  const m10 = -a10 / det;
  const m11 = a00 / det;
  const px = cx + t.shiftX;
  const py = cy + t.shiftY;
  out[offset] = m00;
  out[offset + 1] = m01;
  out[offset + 2] = cx - m00 * px - m01 * py;
  out[offset + 3] = m10;
  out[offset + 4] = m11;
  out[offset + 5] = cy - m10 * px - m11 * py;
  out[offset + 6] = 0;
  out[offset + 7] = 0;
}
