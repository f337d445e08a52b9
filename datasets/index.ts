/** The datasets layer: loaders and feature maps -> split, scaled features with a bias column. */
export { loadDataset } from './load';
export { listDatasets } from './registry';
export { gaussian, makeRng, shuffleInPlace } from './random';
export type { Dataset, DatasetInfo, LoadOptions, Split } from './types';
