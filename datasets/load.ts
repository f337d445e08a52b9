/**
 * loadDataset: source -> seeded split -> feature map (cached when slow) -> scaling fitted on
 * train -> bias column. See split.ts for the split fractions and scaling.ts for the scaling.
 */
import { InputError } from '../algorithms/errors';
import { resolveFeatureMap } from './features';
import { cacheFile, DEFAULT_CACHE_DIR, readCache, writeCache } from './features/cache';
import { type FeatureMap } from './features/feature-map';
import { findSource } from './registry';
import { applyScaler, describeScaling, fitScaler } from './scaling';
import { type Matrix, type SourceData, type Table } from './source';
import { splitParts } from './split';
import { type Dataset, type LoadOptions } from './types';

type SplitName = 'train' | 'val' | 'test';

/** Loads, splits, maps and scales the dataset named by `spec` (digits, mnist, csv:PATH, ...). */
export async function loadDataset(spec: string, opts: LoadOptions = {}): Promise<Dataset> {
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InputError(`seed: must be an integer, got ${opts.seed}`);
  if (opts.limit !== undefined && !(Number.isInteger(opts.limit) && opts.limit >= 1)) {
    throw new InputError(`limit: must be a positive integer, got ${opts.limit}`);
  }
  const { source, argument } = findSource(spec);
  const map = resolveFeatureMap(opts.features, source.name, source.isImage);
  const data = source.load(spec, argument, opts);
  const tables = splitParts(data.parts, spec, seed, opts.limit);
  const total = tables.train.n + tables.val.n + tables.test.n;
  let done = 0;
  // One split at a time, in order, so that progress counts rows across all three.
  const mapSplit = async (split: SplitName): Promise<Matrix> => {
    const table = tables[split];
    const features = await featuresOf(table, map, data, { spec, split, seed, opts }, (rows) => opts.progress?.(done + rows, total));
    done += table.n;
    opts.progress?.(done, total);
    return features;
  };
  const mapped = { train: await mapSplit('train'), val: await mapSplit('val'), test: await mapSplit('test') };
  const scaler = fitScaler(mapped.train);
  return {
    name: spec,
    classNames: data.classNames,
    classes: data.classNames.length,
    features: map.id,
    pretrained: map.pretrained,
    provenance: `${data.provenance}; features: ${map.describe(data)}; split: ${tables.description}`,
    scaling: describeScaling(mapped.train.d),
    train: applyScaler(scaler, mapped.train, tables.train.y),
    val: applyScaler(scaler, mapped.val, tables.val.y),
    test: applyScaler(scaler, mapped.test, tables.test.y),
  };
}

/** One split's features, from the disk cache when the map is slow and they were computed before. */
async function featuresOf(
  table: Table,
  map: FeatureMap,
  source: SourceData,
  key: { spec: string; split: string; seed: number; opts: LoadOptions },
  progress: (rows: number) => void,
): Promise<Matrix> {
  if (!map.cacheable) return map.compute(table, { source, progress });
  const file = cacheFile(key.opts.cacheDir ?? DEFAULT_CACHE_DIR, key.spec, map.id, key.split, table, key.seed);
  const cached = readCache(file, table.n, map.outputDims(table.d));
  if (cached) return cached;
  const features = await map.compute(table, { source, progress });
  writeCache(file, features);
  return features;
}
