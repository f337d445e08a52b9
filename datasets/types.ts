/** The shapes every loader returns; shared by the harness and the training code. */

/** One split: row-major n x d features (the last column is the bias 1) and class indices. */
export interface Split {
  /** Row-major n x d values, scaled to [-1, 1]; column d-1 is the bias, always 1. */
  X: Float64Array;
  /** Class index of each row, in [0, classes). */
  y: Int32Array;
  /** Number of rows. */
  n: number;
  /** Number of columns, including the bias column. */
  d: number;
}

/** A loaded, split and scaled dataset. */
export interface Dataset {
  /** The spec it was loaded from, e.g. `digits` or `csv:data/x.csv`. */
  name: string;
  /** Name of each class, indexed by class index. */
  classNames: string[];
  /** Number of classes. */
  classes: number;
  /** Feature map id used ('raw', 'pixels', 'random768', 'mobilenet', ...). */
  features: string;
  /** True only for features from a pretrained extractor (mobilenet). */
  pretrained: boolean;
  /** One line: where the data and the features come from, and how it was split (for reports). */
  provenance: string;
  /** One line: the scaling applied (for reports). */
  scaling: string;
  /** Training split; the scaling was fitted on it alone. */
  train: Split;
  /** Validation split. */
  val: Split;
  /** Test split. */
  test: Split;
}

/** Options for loadDataset; every field is optional. */
export interface LoadOptions {
  /** Seed of the split, the limit subsample and synthetic data (default 0). */
  seed?: number;
  /** At most this many samples in all, drawn (seeded, stratified) before splitting. */
  limit?: number;
  /** Feature map id; each dataset has a default. */
  features?: string;
  /** CSV only: the label column, by header name or 0-based index (default: the last column). */
  labelColumn?: string;
  /** Called as rows get their features: done and total rows over all three splits. */
  progress?: (done: number, total: number) => void;
  /** Where slow feature maps (mobilenet) cache their output (default `<repo>/.cache/features`). */
  cacheDir?: string;
}

/** One line of `listDatasets()`. */
export interface DatasetInfo {
  /** Spec to pass to loadDataset (a pattern such as `csv:PATH` for user files). */
  name: string;
  /** Number of samples, or null when it depends on the user's file or spec. */
  samples: number | null;
  /** Feature dimension of the default feature map, without the bias column, or null. */
  dims: number | null;
  /** Number of classes, or null. */
  classes: number | null;
  /** One line describing it. */
  description: string;
  /** Feature map ids it accepts; the first is the default. */
  features: string[];
}
