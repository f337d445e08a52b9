/** Which loader a dataset spec names, and what can be listed without loading anything. */
import { InputError } from '../algorithms/errors';
import { featureIdsFor } from './features';
import { type SourceData } from './source';
import { loadCsv } from './sources/csv';
import { loadMnist } from './sources/mnist';
import { loadNpyDir } from './sources/npy';
import { SKLEARN_DATASETS, type SklearnName, loadSklearn } from './sources/sklearn';
import { loadSynthetic } from './sources/synthetic';
import { type DatasetInfo, type LoadOptions } from './types';

/** A loader for one dataset, or for one spec prefix (`csv:`) with the rest as its argument. */
interface SourceDefinition {
  /** The spec (`digits`) or the prefix with its argument form (`csv:PATH`). */
  name: string;
  /** Set for prefixed specs: `csv:`, `npy:`, `synthetic:`. */
  prefix?: string;
  /** Image sources take the image feature maps. */
  isImage: boolean;
  samples: number | null;
  dims: number | null;
  classes: number | null;
  description: string;
  load(spec: string, argument: string, opts: LoadOptions): SourceData;
}

const sklearnSource = (name: SklearnName): SourceDefinition => ({
  name,
  isImage: name === 'digits',
  samples: SKLEARN_DATASETS[name].samples,
  dims: SKLEARN_DATASETS[name].dims,
  classes: SKLEARN_DATASETS[name].classes,
  description: SKLEARN_DATASETS[name].description,
  load: () => loadSklearn(name),
});

/** Every known source, in listing order. */
export const SOURCES: readonly SourceDefinition[] = [
  sklearnSource('digits'),
  sklearnSource('wine'),
  sklearnSource('breast-cancer'),
  {
    name: 'mnist',
    isImage: true,
    samples: 70000,
    dims: 784,
    classes: 10,
    description: 'MNIST 28x28 handwritten digits, official 60000 + 10000 split (the paper: 52500/7500/10000)',
    load: () => loadMnist(),
  },
  {
    name: 'csv:PATH',
    prefix: 'csv:',
    isImage: false,
    samples: null,
    dims: null,
    classes: null,
    description: 'your numeric CSV: header row optional, integer labels in the last column (or labelColumn)',
    load: (spec, file, opts) => loadCsv(spec, file, opts.labelColumn),
  },
  {
    name: 'npy:DIR',
    prefix: 'npy:',
    isImage: false,
    samples: null,
    dims: null,
    classes: null,
    description: 'your features as NumPy files: DIR/features_{train,val,test}.npy + labels_{train,val,test}.npy',
    load: (spec, dir) => loadNpyDir(spec, dir),
  },
  {
    name: 'synthetic:n=..,d=..,c=..,sep=..',
    prefix: 'synthetic:',
    isImage: false,
    samples: null,
    dims: null,
    classes: null,
    description: 'seeded Gaussian class clusters, any size (defaults n=1000,d=16,c=3,sep=3)',
    load: (spec, body, opts) => loadSynthetic(spec, body, opts.seed ?? 0),
  },
];

/** Aliases accepted for convenience. */
const ALIASES: Record<string, string> = { breast_cancer: 'breast-cancer' };

/** The source a spec names and the argument after its prefix. */
export function findSource(spec: string): { source: SourceDefinition; argument: string } {
  const trimmed = spec.trim();
  const name = ALIASES[trimmed] ?? trimmed;
  for (const source of SOURCES) {
    if (source.prefix ? name.startsWith(source.prefix) : name === source.name) {
      return { source, argument: source.prefix ? name.slice(source.prefix.length) : '' };
    }
  }
  const known = SOURCES.map((s) => s.name).join(', ');
  throw new InputError(`dataset: unknown dataset '${spec}' (known: ${known})`);
}

/** What can be loaded, without loading anything. */
export function listDatasets(): DatasetInfo[] {
  return SOURCES.map(({ name, samples, dims, classes, description, isImage }) => ({
    name,
    samples,
    dims,
    classes,
    description,
    features: featureIdsFor(isImage),
  }));
}
