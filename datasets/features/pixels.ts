/** `pixels`: an image's grey pixels divided by the white value, so they lie in [0, 1]. */
import { type FeatureMap } from './feature-map';

/** Pixels / maxValue (MNIST: / 255, digits: / 16). */
export const pixelFeatures: FeatureMap = {
  id: 'pixels',
  title: 'grey pixels / white value, in [0, 1]',
  pretrained: false,
  cacheable: false,
  needsImage: true,
  outputDims: (inputDims) => inputDims,
  describe: (source) => {
    const image = source.image!;
    return `${image.height * image.width} raw pixels / ${image.maxValue}`;
  },
  // No copy: full MNIST is 55 MB of bytes, 440 MB as float64; the scaler applies the factor.
  compute: async (input, { source }) => ({ values: input.values, n: input.n, d: input.d, scale: 1 / source.image!.maxValue }),
};
