/**
 * Hyperparameter defaults and their validation. The paper's values (reference hyperparams.py)
 * where it has the dataset; for the embedded datasets, values chosen on the plaintext twin with
 * the project's feature scaling (rows of norm about 1), favouring few epochs because every
 * encrypted step is expensive: see README "Training defaults".
 */
import { InputError, check } from '../errors';
import type { Hyper } from './types';

/** Defaults by dataset name (the part before any ':'), then `default`. */
export const DEFAULT_HYPER: Readonly<Record<string, { lr: number; batch: number; epochs: number }>> = {
  // The paper (learning rate / batch / max epochs), its ViT/MPNet features.
  mnist: { lr: 2.0, batch: 1024, epochs: 7 },
  cifar10: { lr: 1.0, batch: 2048, epochs: 9 },
  'face-mask': { lr: 0.5, batch: 512, epochs: 22 },
  dermamnist: { lr: 0.3, batch: 1024, epochs: 23 },
  snips: { lr: 1.0, batch: 1024, epochs: 14 },
  // Embedded data (this project): 10 epochs reach the plaintext optimum's neighbourhood.
  digits: { lr: 16.0, batch: 256, epochs: 10 },
  wine: { lr: 4.0, batch: 64, epochs: 10 },
  'breast-cancer': { lr: 4.0, batch: 128, epochs: 10 },
  default: { lr: 1.0, batch: 128, epochs: 10 },
};

/** Resolves hyperparameters for a dataset from partial user values, validating each. */
export function resolveHyper(dataset: string, given: Partial<Hyper>): Hyper {
  const key = dataset.split(':')[0]!;
  const base = DEFAULT_HYPER[key] ?? DEFAULT_HYPER.default!;
  const hyper: Hyper = {
    lr: given.lr ?? base.lr,
    batch: given.batch ?? base.batch,
    epochs: given.epochs ?? base.epochs,
    optimizer: given.optimizer ?? 'nesterov',
    earlyStopping: given.earlyStopping ?? false,
    patience: given.patience ?? 3,
    seed: given.seed ?? 1,
  };
  check(Number.isFinite(hyper.lr) && hyper.lr > 0, `--lr: learning rate ${hyper.lr} is not a positive number`);
  check(Number.isInteger(hyper.batch) && hyper.batch >= 1, `--batch: ${hyper.batch} is not a positive integer`);
  check(Number.isInteger(hyper.epochs) && hyper.epochs >= 1, `--epochs: ${hyper.epochs} is not a positive integer`);
  check(Number.isInteger(hyper.patience) && hyper.patience >= 1, `--patience: ${hyper.patience} is not a positive integer`);
  if (hyper.optimizer !== 'nesterov' && hyper.optimizer !== 'sgd') {
    throw new InputError(`--optimizer: unknown value '${String(hyper.optimizer)}' (allowed: nesterov, sgd)`);
  }
  return hyper;
}
