/**
 * A small plaintext float64 softmax-regression trainer, only for measuring how good a feature
 * map is (the real trainers live in algorithms/training). Full-batch gradient descent with
 * Nesterov momentum and L2; the epoch with the best validation accuracy is kept.
 */
import { type Split } from '../types';

/** Training settings; every field is optional. */
export interface PlainSoftmaxOptions {
  /** Full-batch gradient steps (default 300). */
  epochs?: number;
  /** Step size (default 1: rows have norm about 1 after scaling). */
  learningRate?: number;
  /** Nesterov momentum (default 0.9). */
  momentum?: number;
  /** L2 penalty on the weights (default 1e-4). */
  l2?: number;
}

/** A trained model: d x classes weights, row-major. */
export interface PlainSoftmaxModel {
  W: Float64Array;
  d: number;
  classes: number;
  /** Epoch whose weights were kept (best validation accuracy). */
  bestEpoch: number;
}

/** Trains on `train`, keeping the weights with the best accuracy on `val`. */
export function trainPlainSoftmax(train: Split, val: Split, classes: number, options: PlainSoftmaxOptions = {}): PlainSoftmaxModel {
  const { epochs = 300, learningRate = 1, momentum = 0.9, l2 = 1e-4 } = options;
  const { d } = train;
  const size = d * classes;
  const W = new Float64Array(size);
  const velocity = new Float64Array(size);
  const lookahead = new Float64Array(size);
  const grad = new Float64Array(size);
  let best = { W: W.slice(), accuracy: -1, epoch: 0 };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let k = 0; k < size; k++) lookahead[k] = W[k]! + momentum * velocity[k]!;
    gradient(train, classes, lookahead, l2, grad);
    for (let k = 0; k < size; k++) {
      velocity[k] = momentum * velocity[k]! - learningRate * grad[k]!;
      W[k]! += velocity[k]!;
    }
    if (epoch % 10 === 0 || epoch === epochs) {
      const accuracy = plainAccuracy({ W, d, classes, bestEpoch: epoch }, val);
      if (accuracy > best.accuracy) best = { W: W.slice(), accuracy, epoch };
    }
  }
  return { W: best.W, d, classes, bestEpoch: best.epoch };
}

/** Fraction of rows of `split` whose largest logit is the true class. */
export function plainAccuracy(model: PlainSoftmaxModel, split: Split): number {
  const logits = new Float64Array(model.classes);
  let correct = 0;
  for (let i = 0; i < split.n; i++) {
    rowLogits(split.X, i, model.W, model.d, model.classes, logits);
    let arg = 0;
    for (let k = 1; k < model.classes; k++) if (logits[k]! > logits[arg]!) arg = k;
    if (arg === split.y[i]) correct++;
  }
  return correct / split.n;
}

function rowLogits(X: Float64Array, i: number, W: Float64Array, d: number, classes: number, out: Float64Array): void {
  out.fill(0);
  const row = i * d;
  for (let j = 0; j < d; j++) {
    const x = X[row + j]!;
    if (x === 0) continue;
    const w = j * classes;
    for (let k = 0; k < classes; k++) out[k]! += x * W[w + k]!;
  }
}

/** Mean cross-entropy gradient plus the L2 term, written into `grad`. */
function gradient(train: Split, classes: number, W: Float64Array, l2: number, grad: Float64Array): void {
  const { X, y, n, d } = train;
  for (let k = 0; k < grad.length; k++) grad[k] = l2 * W[k]!;
  const p = new Float64Array(classes);
  for (let i = 0; i < n; i++) {
    rowLogits(X, i, W, d, classes, p);
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, p[k]!);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += p[k] = Math.exp(p[k]! - max);
    for (let k = 0; k < classes; k++) p[k] = (p[k]! / sum - (k === y[i] ? 1 : 0)) / n;
    const row = i * d;
    for (let j = 0; j < d; j++) {
      const x = X[row + j]!;
      if (x === 0) continue;
      const g = j * classes;
      for (let k = 0; k < classes; k++) grad[g + k]! += x * p[k]!;
    }
  }
}
