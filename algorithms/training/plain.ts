/**
 * The plaintext twins: softmax regression in float64 with the same batches, momentum,
 * initialization (zero weights) and hyperparameters as the encrypted run. With the exact softmax
 * it is the baseline; with an approximation's float64 form it isolates what the approximation
 * costs from what CKKS costs.
 */
import { crossEntropy, argmaxRows } from './metrics';
import { batchRanges, runSchedule, type TrainingEngine } from './schedule';
import type { Hyper, LabelledData, PlainWeights, TrainingData, TrainingOutcome } from './types';

/** A row-wise softmax on rows x classes logits (exact or an approximation's plain form). */
export type SoftmaxFn = (z: Float64Array, rows: number, classes: number) => Float64Array;

/** logits = X W^T for rows [start, end) of data: (end - start) x classes. */
export function logits(w: PlainWeights, data: LabelledData, start = 0, end = data.n): Float64Array {
  const { classes, d } = w;
  const rows = end - start;
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const xo = (start + r) * d;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      const wo = c * d;
      for (let k = 0; k < d; k++) s += data.X[xo + k]! * w.data[wo + k]!;
      out[r * classes + c] = s;
    }
  }
  return out;
}

/** Predicted classes of every row. */
export function predict(w: PlainWeights, data: LabelledData): Int32Array {
  return argmaxRows(logits(w, data), data.n, w.classes);
}

class PlainEngine implements TrainingEngine {
  w: Float64Array;
  v: Float64Array;
  best: Float64Array;
  private readonly ranges: [number, number][];

  constructor(
    private readonly data: TrainingData,
    private readonly hyper: Hyper,
    private readonly softmax: SoftmaxFn,
  ) {
    const size = data.classes * data.train.d;
    this.w = new Float64Array(size);
    this.v = new Float64Array(size);
    this.best = new Float64Array(size);
    this.ranges = batchRanges(data.train.n, hyper.batch);
  }

  get batches(): number {
    return this.ranges.length;
  }

  private weights(values = this.w): PlainWeights {
    return { classes: this.data.classes, d: this.data.train.d, data: values };
  }

  step(b: number, gamma: number): void {
    const [start, end] = this.ranges[b]!;
    const { classes } = this.data;
    const { X, y, d } = this.data.train;
    const rows = end - start;
    const p = this.softmax(logits(this.weights(), this.data.train, start, end), rows, classes);
    // E = (P - Y) * lr / batch: the gradient of the mean cross-entropy, scaled by the step.
    // The divisor is the nominal batch size, as in the encrypted run (a short last batch is
    // zero-padded there).
    const scale = this.hyper.lr / this.hyper.batch;
    const vNew = Float64Array.from(this.w);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < classes; c++) {
        const e = (p[r * classes + c]! - (y[start + r] === c ? 1 : 0)) * scale;
        if (e === 0) continue;
        const xo = (start + r) * d,
          wo = c * d;
        for (let k = 0; k < d; k++) vNew[wo + k]! -= e * X[xo + k]!;
      }
    }
    for (let i = 0; i < vNew.length; i++) this.w[i] = (1 - gamma) * vNew[i]! + gamma * this.v[i]!;
    this.v = vNew;
  }

  validationLoss(): number {
    const { val } = this.data;
    return crossEntropy(this.softmax(logits(this.weights(), val), val.n, this.data.classes), val.n, this.data.classes, val.y);
  }

  keepBest(): void {
    this.best = Float64Array.from(this.w);
  }

  outcome(run: ReturnType<typeof runSchedule>): TrainingOutcome {
    return { ...run, weights: this.weights(this.best) };
  }
}

/** Trains softmax regression in float64 with the given softmax. */
export function trainPlain(data: TrainingData, hyper: Hyper, softmax: SoftmaxFn): TrainingOutcome {
  const engine = new PlainEngine(data, hyper, softmax);
  return engine.outcome(runSchedule(engine, engine.batches, hyper));
}
