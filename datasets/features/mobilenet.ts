/**
 * `mobilenet`: 1280-d features from the MobileNetV2 bundled (weights included) in the npm
 * package nsfwjs 4.x, run with @tensorflow/tfjs on the WebAssembly backend. The graph is cut
 * at layer `out_relu` (7 x 7 x 1280) and averaged over space. Inputs are prepared the way
 * nsfwjs prepares them: pixels / white value in [0, 1], bilinear resize (align corners) to
 * 224 x 224, the grey channel repeated 3 times. The network was trained on ImageNet and then
 * fine-tuned for content filtering; it is not the paper's ViT.
 *
 * Everything is loaded lazily, once per process, so nothing else pays for TensorFlow.js; the
 * three packages are optionalDependencies, and a clear error says so when they are missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { InputError } from '../../algorithms/errors';
import { type FeatureMap } from './feature-map';

/** Width of the features. */
export const MOBILENET_DIMS = 1280;
/** Side of the network's square input. */
const INPUT_SIZE = 224;
/** Images per forward pass: larger batches did not run faster on 2 cores. */
const BATCH = 16;
const CUT_LAYER = 'out_relu';

/** The loaded network, cut at out_relu. */
export interface MobileNetExtractor {
  tf: typeof TF;
  trunk: TF.LayersModel;
}

let loading: Promise<MobileNetExtractor> | undefined;

/** Loads TensorFlow.js, the wasm backend and the bundled weights (about 7 s), once. */
export function loadMobileNetExtractor(): Promise<MobileNetExtractor> {
  loading ??= loadOnce().catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function loadOnce(): Promise<MobileNetExtractor> {
  let tf: typeof TF;
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- an ESM subpath, loaded lazily
  let bundled: typeof import('nsfwjs/models/mobilenet_v2');
  try {
    tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    // The model subpath only: nsfwjs's main module would pull its classifier and log to the console.
    bundled = await import('nsfwjs/models/mobilenet_v2');
  } catch (err) {
    throw new InputError(
      `features 'mobilenet' needs the optional packages nsfwjs, @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm ` +
        `(npm install --include=optional): ${(err as Error).message}`,
    );
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('mobilenet: the TensorFlow.js wasm backend failed to start');
  await tf.ready();
  const model = bundled.MobileNetV2Model;
  const json = (await model.modelJson()).default as unknown as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: TF.io.WeightsManifestEntry[] }[];
  };
  const shards = await Promise.all(model.weightBundles.map(async (load) => Buffer.from((await load()).default, 'base64')));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const full = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
  const trunk = tf.model({ inputs: full.inputs, outputs: full.getLayer(CUT_LAYER).output as TF.SymbolicTensor });
  return { tf, trunk };
}

/** out_relu of MobileNetV2, averaged over space. */
export const mobilenetFeatures: FeatureMap = {
  id: 'mobilenet',
  title: 'MobileNetV2 (nsfwjs, ImageNet then fine-tuned) out_relu, global average pool: 1280-d, pretrained',
  pretrained: true,
  cacheable: true,
  needsImage: true,
  outputDims: () => MOBILENET_DIMS,
  describe: (source) => {
    const image = source.image!;
    return `pretrained MobileNetV2 bundled in npm nsfwjs ${nsfwjsVersion()} (ImageNet, fine-tuned for content filtering; not ViT), run with TensorFlow.js wasm; ${image.height}x${image.width} grey / ${image.maxValue} resized to 224x224 x 3 channels; layer out_relu averaged over space, ${MOBILENET_DIMS}-d`;
  },
  compute: async (input, { source, progress }) => {
    const { tf, trunk } = await loadMobileNetExtractor();
    const { height, width, maxValue } = source.image!;
    const values = new Float32Array(input.n * MOBILENET_DIMS);
    for (let start = 0; start < input.n; start += BATCH) {
      const count = Math.min(BATCH, input.n - start);
      const grey = new Float32Array(count * input.d);
      for (let k = 0; k < grey.length; k++) grey[k] = input.values[start * input.d + k]! / maxValue;
      const pooled = tf.tidy(() => {
        const images = tf.tensor4d(grey, [count, height, width, 1]);
        const resized = tf.image.resizeBilinear(images, [INPUT_SIZE, INPUT_SIZE], true);
        const maps = trunk.predict(tf.tile(resized, [1, 1, 1, 3])) as TF.Tensor4D;
        return maps.mean([1, 2]);
      });
      values.set(await pooled.data<'float32'>(), start * MOBILENET_DIMS);
      pooled.dispose();
      progress(start + count);
    }
    return { values, n: input.n, d: MOBILENET_DIMS };
  },
};

/** The installed nsfwjs version, for provenance (its exports map hides its package.json). */
function nsfwjsVersion(): string {
  try {
    // require.resolve gives <package>/dist/cjs/index.js.
    const packageJson = path.join(path.dirname(require.resolve('nsfwjs')), '..', '..', 'package.json');
    return JSON.parse(fs.readFileSync(packageJson, 'utf8')).version as string;
  } catch {
    return '(version unknown)';
  }
}
