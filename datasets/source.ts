/** Internal shapes between a raw data source, the splitter and the feature maps. */

/** Numbers a source can hold its rows in (MNIST stays as bytes until a feature map reads it). */
export type NumericArray = Float64Array | Float32Array | Uint8Array;

/** Row-major n x d values. */
export interface Matrix {
  /** Row-major values, n * d of them. */
  values: NumericArray;
  /** Number of rows. */
  n: number;
  /** Number of columns. */
  d: number;
  /** Each value stands for value * scale (default 1): lets `pixels` divide without a copy. */
  scale?: number;
}

/** Rows with their class indices. */
export interface Table extends Matrix {
  /** Class index of each row. */
  y: Int32Array;
}

/** How the rows of an image source are laid out: one grey channel, row by row. */
export interface ImageShape {
  /** Image height in pixels. */
  height: number;
  /** Image width in pixels. */
  width: number;
  /** The value of a white pixel (255 for MNIST, 16 for digits). */
  maxValue: number;
}

/** The rows as a source provides them: one pool to split, or the splits it ships with. */
export type SourceParts = { kind: 'pool'; pool: Table } | { kind: 'given'; train: Table; val?: Table; test: Table };

/** A source's data before splitting, feature mapping and scaling. */
export interface SourceData {
  /** Name of each class, indexed by class index. */
  classNames: string[];
  /** One line: where the raw data comes from. */
  provenance: string;
  /** Set for image sources; the image feature maps need it. */
  image?: ImageShape;
  /** The rows. */
  parts: SourceParts;
}

/** Rows in `indices` order (a copy). */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  const { d } = table;
  const n = indices.length;
  const values = new (table.values.constructor as new (size: number) => NumericArray)(n * d);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const i = indices[r]!;
    values.set(table.values.subarray(i * d, i * d + d), r * d);
    y[r] = table.y[i]!;
  }
  return { values, n, d, y };
}
