/**
 * scikit-learn's small real datasets, embedded in datasets/data/ (BSD-3, see data/README.md):
 * digits (1797 x 64, 8x8 grey images 0..16, 10 classes), wine (178 x 13, 3 classes) and
 * breast cancer (569 x 30, 2 classes). The files are scikit-learn's own: the label is the last
 * column; wine and breast cancer start with a line "samples,features,class names...".
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { InputError } from '../../algorithms/errors';
import { readCsvCells, toFiniteNumber } from '../csv-cells';
import { type SourceData } from '../source';

/** Folder of the embedded files. */
export const EMBEDDED_DIR = path.join(__dirname, '..', 'data');

/** What is known about each embedded file without reading it. */
export const SKLEARN_DATASETS = {
  digits: {
    file: 'digits.csv.gz',
    samples: 1797,
    dims: 64,
    classes: 10,
    description: 'scikit-learn digits: 8x8 grey handwritten digits (UCI), 10 classes; the quick default',
  },
  wine: {
    file: 'wine_data.csv',
    samples: 178,
    dims: 13,
    classes: 3,
    description: 'scikit-learn wine: 13 chemical measurements of 3 cultivars (UCI)',
  },
  'breast-cancer': {
    file: 'breast_cancer.csv',
    samples: 569,
    dims: 30,
    classes: 2,
    description: 'scikit-learn breast cancer Wisconsin (diagnostic): 30 cell-nucleus features, malignant/benign (UCI)',
  },
} as const;

/** Name of an embedded dataset. */
export type SklearnName = keyof typeof SKLEARN_DATASETS;

/** Reads one embedded dataset as a pool to split. */
export function loadSklearn(name: SklearnName): SourceData {
  const info = SKLEARN_DATASETS[name];
  const file = path.join(EMBEDDED_DIR, info.file);
  if (!fs.existsSync(file)) throw new InputError(`${name}: embedded file missing: ${file}`);
  const bytes = fs.readFileSync(file);
  const text = (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
  const cells = readCsvCells(text, file, name === 'digits' ? 'none' : 'metadata');
  const d = cells.columns - 1;
  if (cells.rows.length !== info.samples || d !== info.dims) {
    throw new Error(`${file}: expected ${info.samples} x ${info.dims}, found ${cells.rows.length} x ${d}`);
  }
  const values = new Float64Array(info.samples * d);
  const y = new Int32Array(info.samples);
  // readCsvCells gives every row `columns` = d + 1 cells and a line number.
  cells.rows.forEach((row, i) => {
    const line = cells.lines[i]!;
    for (let j = 0; j < d; j++) values[i * d + j] = toFiniteNumber(row[j]!, file, line, j);
    y[i] = toFiniteNumber(row[d]!, file, line, d);
  });
  // The metadata line names the classes after the two counts; digits are named by themselves.
  const classNames = cells.header ? cells.header.slice(2) : Array.from({ length: info.classes }, (_, k) => String(k));
  return {
    classNames,
    provenance: `scikit-learn ${name} (${info.samples} x ${info.dims}, ${info.classes} classes; from Debian python3-sklearn 1.2.1, BSD-3; embedded in datasets/data)`,
    image: name === 'digits' ? { height: 8, width: 8, maxValue: 16 } : undefined,
    parts: { kind: 'pool', pool: { values, n: info.samples, d, y } },
  };
}
