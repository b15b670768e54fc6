/**
 * Adam in one pass over one flat buffer (`FlatAdam` from @tsdl/wasm-kernels) instead of tfjs's
 * ~15 tensor ops per variable per step.
 *
 * Why: a small network's step is dominated by per-op overhead, not arithmetic; tfjs's Adam
 * dispatches ≈ 90 kernels a step for the bench's 6-variable MLP.
 *
 * The result is tfjs's `AdamOptimizer`, bit for bit (the kernel rounds each operation to
 * float32 in tfjs's order), and so is its state: the moments live in the flat buffer while
 * training and are copied into tfjs's slot variables whenever `getWeights` reads them, and
 * `setWeights` reloads them. So the logged runs stay reproducible, and checkpoints
 * (`optimizerState`) are the same as with tfjs's Adam, in both directions.
 */
import * as tf from "@tensorflow/tfjs";
import { asWasmBackend, f32View, FlatAdam } from "@tsdl/wasm-kernels";
import { tensorFrom } from "./parallel/flat";

type Slot = { originalName: string; variable: tf.Variable };
type NamedTensor = { name: string; tensor: tf.Tensor };

/** The fields of tfjs's AdamOptimizer used here (private in its types, plain at run time). */
interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: (Slot | undefined)[];
  accumulatedSecondMoment: (Slot | undefined)[];
  incrementIterations(): void;
}

/** A float32 tensor's values, without a copy on wasm (read it before the next allocation). */
function read(t: tf.Tensor): Float32Array {
  return tf.getBackend() === "wasm" ? f32View(asWasmBackend(tf.backend(), "FusedAdam"), t) : (t.dataSync() as Float32Array);
}

/** Gives `target` a copy of `values`. */
function assign(target: tf.Variable, values: Float32Array): void {
  const t = tensorFrom(values, 0, target.shape);
  target.assign(t);
  t.dispose();
}

/** Adam with tfjs's defaults (β₁ 0.9, β₂ 0.999, ε the backend's), fused; see the module comment. */
export class FusedAdam extends tf.AdamOptimizer {
  /** The flat state and the variable names it was laid out for, in the order they came. */
  private flat: { names: string[]; state: FlatAdam } | undefined;
  /** Whether tfjs's slot variables lag behind the flat moments. */
  private slotsStale = false;

  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  private get fields(): AdamFields {
    return this as unknown as AdamFields;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor] as const)
      : Object.entries(variableGradients);
    const names = entries.map(([name]) => name);
    if (entries.some(([, g]) => g == null)) throw new Error("FusedAdam: every variable needs a gradient");
    const variables = names.map((name, i) => {
      const v = tf.engine().registeredVariables[name];
      if (v === undefined) throw new Error(`FusedAdam: no variable named ${name}`);
      const g = entries[i]![1];
      if (g.size !== v.size) throw new Error(`FusedAdam: the gradient of ${name} has ${g.size} values, the variable ${v.size}`);
      return v;
    });
    if (this.flat === undefined || this.flat.names.join("\n") !== names.join("\n")) this.layOut(names, variables);
    const state = this.flat!.state;
    variables.forEach((v, i) => {
      state.view(0, i).set(read(v));
      state.view(3, i).set(read(entries[i]![1]));
    });
    const a = this.fields;
    const accBeta1 = a.accBeta1.dataSync()[0]!;
    const accBeta2 = a.accBeta2.dataSync()[0]!;
    state.step({
      beta1: a.beta1,
      beta2: a.beta2,
      bias1: 1 - accBeta1,
      bias2: 1 - accBeta2,
      epsilon: a.epsilon,
      learningRate: a.learningRate,
    });
    variables.forEach((v, i) => assign(v, state.view(0, i)));
    this.slotsStale = true;
    // β as float32, as tfjs's mul(accBeta, β) takes it.
    assign(a.accBeta1, new Float32Array([accBeta1 * Math.fround(a.beta1)]));
    assign(a.accBeta2, new Float32Array([accBeta2 * Math.fround(a.beta2)]));
    a.incrementIterations();
  }

  /** A new flat state for `variables`, with the moments tfjs's slots hold (zeros where none). */
  private layOut(names: string[], variables: tf.Variable[]): void {
    this.syncSlots();
    const state = new FlatAdam(variables.map((v) => v.size));
    const a = this.fields;
    names.forEach((_, i) => {
      for (const [slots, region] of [
        [a.accumulatedFirstMoment, 1],
        [a.accumulatedSecondMoment, 2],
      ] as const) {
        const slot = slots[i];
        if (slot !== undefined) state.view(region, i).set(read(slot.variable));
      }
    });
    this.flat = { names, state };
  }

  /** Copies the flat moments into tfjs's slot variables (made as tfjs names them, `<var>/m`, `<var>/v`). */
  private syncSlots(): void {
    if (!this.slotsStale || this.flat === undefined) return;
    const a = this.fields;
    const { names, state } = this.flat;
    names.forEach((name, i) => {
      for (const [slots, region, suffix] of [
        [a.accumulatedFirstMoment, 1, "m"],
        [a.accumulatedSecondMoment, 2, "v"],
      ] as const) {
        const values = state.view(region, i);
        if (slots[i] === undefined) {
          const shape = tf.engine().registeredVariables[name]!.shape;
          slots[i] = { originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zeros(shape).variable(false)) };
        }
        assign(slots[i]!.variable, values);
      }
    });
    this.slotsStale = false;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    this.syncSlots();
    return super.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    this.flat = undefined; // laid out again, from the new slots, at the next step
    this.slotsStale = false;
  }
}
