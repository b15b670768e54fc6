/**
 * The lesson's model in the page: loaded from the embedded payload with tf.io.fromMemory (no
 * fetch, so file:// works) on tfjs's cpu backend (plain JavaScript: no wasm file to fetch, no GPU
 * needed, and quick enough for one digit). One call gives the class probabilities and the first
 * convolution layer's feature maps.
 */
import * as tf from "@tensorflow/tfjs";
// The lessons' models use this custom layer: importing it registers it with the page's tfjs.
import "../../models/seeded-dropout";
import { MNIST_SIDE } from "../preprocess";
import { payloadArtifacts, type DemoPayload } from "../payload";

/** What the network says about one 28×28 input. */
export interface Reading {
  readonly probabilities: Float32Array;
  /** The first convolution's output, [height, width, channels] row-major. */
  readonly maps: Float32Array;
  readonly mapSize: number;
  readonly channels: number;
}

export interface Network {
  read(input: Float32Array): Reading;
  readonly firstConv: string;
}

export async function loadNetwork(payload: DemoPayload): Promise<Network> {
  if (!(await tf.setBackend("cpu"))) throw new Error("tfjs's cpu backend did not start");
  const model = await tf.loadLayersModel(tf.io.fromMemory(payloadArtifacts(payload) as tf.io.ModelArtifacts));
  const conv = model.layers.find((l) => l.getClassName() === "Conv2D");
  if (!conv) throw new Error("the model has no convolution layer");
  const probe = tf.model({ inputs: model.inputs, outputs: [model.outputs[0]!, conv.output as tf.SymbolicTensor] });
  return {
    firstConv: conv.name,
    read(input) {
      return tf.tidy(() => {
        const [p, f] = probe.predict(tf.tensor4d(input, [1, MNIST_SIDE, MNIST_SIDE, 1])) as tf.Tensor[];
        return {
          probabilities: p!.dataSync() as Float32Array,
          maps: f!.dataSync() as Float32Array,
          mapSize: f!.shape[1]!,
          channels: f!.shape[3]!,
        };
      });
    },
  };
}
