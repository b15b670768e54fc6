/**
 * The knobs of digit augmentation, their default recipe and their checks.
 *
 * Only transforms that keep a digit the same digit are offered: small shifts, small rotations,
 * mild zoom and a slight slant (handwriting leans). There is deliberately no flip: mirrored, a
 * 2 or 7 is no digit at all, and a 6 flipped both ways (a half turn) reads as a 9.
 */
import { checkOptions } from "../check";

/**
 * How much {@link augmentBatch} may move each image; every image draws its own values uniformly
 * within these ranges.
 */
export interface AugmentOptions {
  /** Largest shift along each axis, in pixels (x and y drawn separately from ±maxShift). ≥ 0. */
  readonly maxShift: number;
  /** Largest rotation about the image centre, in degrees (drawn from ±maxRotationDeg). 0–45. */
  readonly maxRotationDeg: number;
  /** Zoom factor range [low, high] about the centre: 0.9 shrinks the digit by 10 %. 0 < low ≤ high. */
  readonly scaleRange: readonly [number, number];
  /** Largest slant (horizontal shear), in degrees, drawn from ±maxShearDeg. 0–45. */
  readonly maxShearDeg: number;
}

/**
 * The usual recipe for MNIST: shifts up to ±2.8 px (10 % of 28), rotations up to ±10°, zoom
 * 0.9–1.1, no slant. Strong enough to help a CNN past 99.5 %, mild enough that every digit stays
 * readable and inside the 28×28 frame.
 */
export const DEFAULT_DIGIT_AUGMENT: Readonly<AugmentOptions> = Object.freeze({
  maxShift: 2.8,
  maxRotationDeg: 10,
  scaleRange: Object.freeze([0.9, 1.1]) as readonly [number, number],
  maxShearDeg: 0,
});

/** All transforms off: {@link augmentBatch} with these returns its input unchanged. */
export const NO_AUGMENT: Readonly<AugmentOptions> = Object.freeze({
  maxShift: 0,
  maxRotationDeg: 0,
  scaleRange: Object.freeze([1, 1]) as readonly [number, number],
  maxShearDeg: 0,
});

/** Beyond this, rotating or slanting turns some digits into others (a 7 lying down, a 6 → 9). */
export const MAX_AUGMENT_ANGLE_DEG = 45;

const OPTION_KEYS: readonly string[] = ["maxShift", "maxRotationDeg", "scaleRange", "maxShearDeg"];

/** Throws unless `value` is a finite number in [0, max]; the message names the option. */
function checkRange(name: string, value: unknown, max: number, why: string): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`augment option ${name} must be a finite number, got ${String(value)}`);
  }
  if (value < 0) throw new Error(`augment option ${name} must be ≥ 0 (it is a magnitude), got ${value}`);
  if (value > max) throw new Error(`augment option ${name} must be ≤ ${max} ${why}, got ${value}`);
}

/**
 * Fills the options missing from `options` with {@link DEFAULT_DIGIT_AUGMENT} and checks them all.
 * Throws an error naming the option: a negative shift, a rotation or slant over 45°, a zoom
 * factor ≤ 0 or a reversed range, an unknown key (a flip in particular).
 */
export function resolveAugmentOptions(options: Partial<AugmentOptions>): AugmentOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new Error(`augment options must be an object like DEFAULT_DIGIT_AUGMENT, got ${String(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (/flip|mirror/i.test(key)) {
      throw new Error(`augment option "${key}" is not supported: a flipped digit is another digit or none`);
    }
  }
  checkOptions(options, OPTION_KEYS, "augment");
  const o: AugmentOptions = { ...DEFAULT_DIGIT_AUGMENT, ...options };
  // A shift of half the image or more can push the whole digit out of the frame.
  checkRange("maxShift", o.maxShift, 14, "px (half of a 28-px digit; more moves it out of the frame)");
  checkRange("maxRotationDeg", o.maxRotationDeg, MAX_AUGMENT_ANGLE_DEG, "degrees (more turns some digits into others)");
  checkRange("maxShearDeg", o.maxShearDeg, MAX_AUGMENT_ANGLE_DEG, "degrees (more makes digits unreadable)");
  const range: unknown = o.scaleRange;
  if (!Array.isArray(range) || range.length !== 2) {
    throw new Error(`augment option scaleRange must be a pair [low, high], got ${JSON.stringify(range)}`);
  }
  const [low, high] = range as unknown[];
  if (typeof low !== "number" || typeof high !== "number" || !Number.isFinite(low) || !Number.isFinite(high)) {
    throw new Error(`augment option scaleRange must hold two finite numbers, got ${JSON.stringify(range)}`);
  }
  if (low <= 0) throw new Error(`augment option scaleRange: zoom factors must be > 0, got low = ${low}`);
  if (low > high) throw new Error(`augment option scaleRange must be [low, high] with low ≤ high, got [${low}, ${high}]`);
  return { ...o, scaleRange: [low, high] };
}
