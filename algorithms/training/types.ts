/** Shapes the trainers share. Structurally the datasets layer's Split (imports go downward). */

/** Labelled rows: row-major n x d features (bias column included) and class indices. */
export interface LabelledData {
  readonly X: Float64Array;
  readonly y: Int32Array;
  readonly n: number;
  readonly d: number;
}

/** What a trainer needs of a dataset. */
export interface TrainingData {
  readonly train: LabelledData;
  readonly val: LabelledData;
  readonly test: LabelledData;
  readonly classes: number;
}

/** Hyperparameters (resolved: every field set). */
export interface Hyper {
  /** learning rate */
  readonly lr: number;
  /** rows per mini-batch */
  readonly batch: number;
  /** maximum epochs */
  readonly epochs: number;
  readonly optimizer: 'nesterov' | 'sgd';
  /** stop when the validation loss has not improved for `patience` epochs; keep the best weights */
  readonly earlyStopping: boolean;
  readonly patience: number;
  /** seed of the batch order */
  readonly seed: number;
}

/** A weight matrix c x d (row-major) in float64. */
export interface PlainWeights {
  readonly classes: number;
  readonly d: number;
  readonly data: Float64Array;
}

/** What one training run reports, whatever it ran on. */
export interface TrainingOutcome {
  /** epochs run */
  epochs: number;
  /** 1-based epoch whose weights were kept */
  bestEpoch: number;
  /** validation cross-entropy after each epoch */
  valLosses: number[];
  /** steps run */
  steps: number;
  /** the kept weights, decrypted where they were encrypted */
  weights: PlainWeights;
}
