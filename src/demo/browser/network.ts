/**
 * The lesson's model in the page: loaded from the embedded payload with tf.io.fromMemory (no
 * fetch, so file:// works) on the page's backend — wasm with this project's kernels, started from
 * the site's shared script, else cpu (../../backend/browser/page-backend.ts). One call gives the
 * class probabilities and the first convolution layer's feature maps.
 */
import * as tf from "@tensorflow/tfjs";
import { type PageBackend, pageBackend } from "../../backend/browser/page-backend";
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
  readonly backend: PageBackend;
}

/** The network on the page's backend; `assets` is the site's assets folder (null: no site, cpu). */
export async function loadNetwork(payload: DemoPayload, assets: string | null): Promise<Network> {
  const backend = await pageBackend(assets);
  const model = await tf.loadLayersModel(tf.io.fromMemory(payloadArtifacts(payload) as tf.io.ModelArtifacts));
  const conv = model.layers.find((l) => l.getClassName() === "Conv2D");
  if (!conv) throw new Error("the model has no convolution layer");
  const probe = tf.model({ inputs: model.inputs, outputs: [model.outputs[0]!, conv.output as tf.SymbolicTensor] });
  return {
    firstConv: conv.name,
    backend,
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
