/**
 * `random768`: a fixed random projection of the pixels to 768 dimensions (the size of the
 * paper's ViT features) followed by ReLU. A stand-in for a pretrained extractor: random
 * features, not a trained model, so it is not `pretrained`.
 *
 * The projection is a very sparse one (Li, Hastie and Church, KDD 2006): each weight is +1 or
 * -1 with probability 1/(2 sqrt(d)) each and 0 otherwise. On 2250 MNIST training images a
 * plain softmax reached the same test accuracy on it as on a dense Gaussian projection (88.3%
 * vs 89.3% on 429 test images, within noise), and it does 1/28 of the arithmetic: all 70000
 * MNIST images in about 2.5 s, output included, where a dense projection took 15-25 s. No
 * overall scale factor: ReLU commutes with positive scaling, and the features are standardized
 * afterwards.
 */
import { makeRng } from '../random';
import { type FeatureMap } from './feature-map';

/** Output width: the paper's feature size. */
export const PROJECTED_DIMS = 768;
/** Fixed seed of the projection, independent of the split seed so the map never changes. */
export const PROJECTION_SEED = 768;

/** ReLU(W x) with x = pixels / white value and W a fixed very sparse +-1 matrix. */
export const randomProjectionFeatures: FeatureMap = {
  id: 'random768',
  title: `fixed sparse random projection of the pixels to ${PROJECTED_DIMS}, then ReLU (random features, not pretrained)`,
  pretrained: false,
  cacheable: false,
  needsImage: true,
  outputDims: () => PROJECTED_DIMS,
  describe: (source) =>
    `fixed very sparse random +-1 projection (seed ${PROJECTION_SEED}) of the pixels / ${source.image!.maxValue} to ${PROJECTED_DIMS}, then ReLU; random features, not a pretrained model`,
  compute: async (input, { source }) => {
    const { n, d } = input;
    const { start, target, sign } = sparseProjection(d);
    const scale = 1 / source.image!.maxValue;
    const values = new Float32Array(n * PROJECTED_DIMS);
    const acc = new Float64Array(PROJECTED_DIMS);
    for (let i = 0; i < n; i++) {
      acc.fill(0);
      for (let k = 0; k < d; k++) {
        const x = input.values[i * d + k]!;
        if (x === 0) continue; // most MNIST pixels are 0
        const v = x * scale;
        for (let e = start[k]!; e < start[k + 1]!; e++) acc[target[e]!]! += sign[e]! * v;
      }
      const out = i * PROJECTED_DIMS;
      for (let m = 0; m < PROJECTED_DIMS; m++) values[out + m] = acc[m]! > 0 ? acc[m]! : 0;
    }
    return { values, n, d: PROJECTED_DIMS };
  },
};

/** The nonzero weights by input column: column k feeds target[start[k] .. start[k+1]). */
function sparseProjection(inputDims: number): { start: Int32Array; target: Int32Array; sign: Float64Array } {
  const rng = makeRng(PROJECTION_SEED);
  const density = 1 / Math.sqrt(inputDims);
  const start = new Int32Array(inputDims + 1);
  const target: number[] = [];
  const sign: number[] = [];
  for (let k = 0; k < inputDims; k++) {
    for (let m = 0; m < PROJECTED_DIMS; m++) {
      const u = rng();
      if (u >= density) continue;
      target.push(m);
      sign.push(u < density / 2 ? 1 : -1);
    }
    start[k + 1] = target.length;
  }
  return { start, target: Int32Array.from(target), sign: Float64Array.from(sign) };
}
