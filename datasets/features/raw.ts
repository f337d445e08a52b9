/** `raw`: the source's columns as they are (tabular data; scaling happens later). */
import { type FeatureMap } from './feature-map';

/** The identity feature map. */
export const rawFeatures: FeatureMap = {
  id: 'raw',
  title: 'the columns as given',
  pretrained: false,
  cacheable: false,
  needsImage: false,
  outputDims: (inputDims) => inputDims,
  describe: () => 'raw columns',
  compute: async (input) => input,
};
