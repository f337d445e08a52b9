/** Early stopping on a scripted loss sequence: the right epoch, and the best weights kept. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EarlyStopping } from '../../algorithms/training/early-stopping';
import { runSchedule, type TrainingEngine } from '../../algorithms/training/schedule';

test('stops after `patience` epochs without improvement and remembers the best', () => {
  const s = new EarlyStopping(3);
  const losses = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6];
  const seen = losses.slice(0, 6).map((l) => s.observe(l));
  assert.is(s.bestEpoch, 3);
  seen.push(s.observe(losses[6]!));
  assert.equal(
    seen.map((x) => x.improved),
    [true, true, true, false, false, false, true],
  );
  assert.equal(
    seen.map((x) => x.stop),
    [false, false, false, false, false, true, false],
  );
  assert.is(s.bestEpoch, 7, 'a later improvement becomes the best');
});

test("the schedule stops at the right epoch and keeps the best epoch's weights", () => {
  const scripted = [0.9, 0.5, 0.4, 0.45, 0.41, 0.42, 0.3, 0.2];
  let epoch = 0;
  let weights = 0;
  let kept = -1;
  const engine: TrainingEngine = {
    step: () => {
      weights += 1;
    },
    validationLoss: () => scripted[epoch++]!,
    keepBest: () => {
      kept = weights;
    },
  };
  const run = runSchedule(engine, 2, { lr: 1, batch: 1, epochs: 8, optimizer: 'nesterov', earlyStopping: true, patience: 3, seed: 1 });
  assert.is(run.epochs, 6, 'three epochs after the best (3) without improvement');
  assert.is(run.bestEpoch, 3);
  assert.equal(run.valLosses, scripted.slice(0, 6));
  assert.is(kept, 3 * 2, 'weights after epoch 3 (2 steps per epoch)');
  assert.is(run.steps, 12);
});

test('without early stopping every epoch runs and the last weights are kept', () => {
  let epoch = 0;
  let weights = 0;
  let kept = -1;
  const engine: TrainingEngine = {
    step: () => {
      weights += 1;
    },
    validationLoss: () => [0.5, 0.6, 0.7][epoch++]!,
    keepBest: () => {
      kept = weights;
    },
  };
  const run = runSchedule(engine, 1, { lr: 1, batch: 1, epochs: 3, optimizer: 'sgd', earlyStopping: false, patience: 1, seed: 1 });
  assert.is(run.epochs, 3);
  assert.is(run.bestEpoch, 3);
  assert.is(kept, 3);
});

test.run();
