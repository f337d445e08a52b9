/**
 * One encrypted training step equals the float64 step with the same softmax approximation:
 * exactly (to float rounding) on the noiseless simulator, and within a bound from CKKS precision
 * on real node-seal. Training data: one batch, so one epoch is one step.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSession } from '../../algorithms/ckks/session';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { trainEncrypted, trainingLayout } from '../../algorithms/training/encrypted';
import { hetalKernels, type MatmulKernels } from '../../algorithms/training/kernels';
import { trainPlain } from '../../algorithms/training/plain';
import type { Hyper, TrainingData } from '../../algorithms/training/types';
import { loadDataset } from '../../datasets';
import { maxAbsDiff } from '../helpers/backends';

async function oneBatchData(classes: number): Promise<TrainingData> {
  // 40 samples -> 28 train / 4 val / 8 test rows; 6 features + bias
  return loadDataset(`synthetic:n=40,d=6,c=${classes},sep=3`, { seed: 3 });
}

const hyper = (batch: number, epochs: number): Hyper => ({
  lr: 2,
  batch,
  epochs,
  optimizer: 'nesterov',
  earlyStopping: false,
  patience: 3,
  seed: 1,
});

/** The paper's kernels, recording the conjugations each call of each product pays. */
function conjugationsByKernel(): { kernels: MatmulKernels; abt: number[]; atb: number[] } {
  const abt: number[] = [],
    atb: number[] = [];
  const kernels: MatmulKernels = {
    ...hetalKernels,
    async abt(be, x, w, layout) {
      const before = be.counts().conj;
      const out = await hetalKernels.abt(be, x, w, layout);
      abt.push(be.counts().conj - before);
      return out;
    },
    async atb(be, e, x, layout) {
      const before = be.counts().conj;
      const out = await hetalKernels.atb(be, e, x, layout);
      atb.push(be.counts().conj - before);
      return out;
    },
  };
  return { kernels, abt, atb };
}

/**
 * Conjugations only where a real part is taken: each DiagABT call (one block row) pays 1 (the
 * weights come a level above the data, so it takes its signed form: no row-sum fix-ups), each
 * DiagATB call one per output ciphertext, and nothing else pays any (the products' outputs are
 * marked real, so no later odd rotation needs a fix-up).
 */
function assertConjugations(
  enc: { ops: { conj: number }; block: { cPad: number; colBlocks: number } },
  seen: ReturnType<typeof conjugationsByKernel>,
) {
  assert.ok(seen.abt.length > 0 && seen.atb.length > 0);
  for (const c of seen.abt) assert.is(c, 1, 'DiagABT: one real part, no row-sum fix-up');
  for (const c of seen.atb) assert.is(c, enc.block.colBlocks, 'DiagATB: one real part per output ciphertext');
  const inKernels = [...seen.abt, ...seen.atb].reduce((a, b) => a + b, 0);
  assert.is(enc.ops.conj, inKernels, 'no conjugation outside the two products (no fix-ups of real ciphertexts)');
}

test('sim: one step equals the float64 step with the approximate softmax', async () => {
  const data = await oneBatchData(3);
  const softmax = getSoftmax('hetal');
  const be = await createSession('sim', 'n14');
  const h = hyper(32, 1);
  const seen = conjugationsByKernel();
  const enc = await trainEncrypted(be, data, h, softmax, { kernels: seen.kernels });
  const plain = trainPlain(data, h, (z, rows, c) => softmax.plain(z, rows, c));
  assert.is(enc.steps, 1);
  assertConjugations(enc, seen);
  const d = maxAbsDiff(enc.weights, plain.weights.data);
  // noiseless simulator: the same arithmetic up to float64 rounding of a different evaluation order
  assert.ok(d < 1e-9, `|W_enc - W_plain| = ${d}`);
  assert.ok(enc.ops.refresh > 0, 'the softmax needs refreshes at 7 levels');
  be.dispose();
});

test('sim with SEAL-sized noise and three steps stays within the CKKS bound', async () => {
  const data = await oneBatchData(4);
  const softmax = getSoftmax('hetal');
  const be = await createSession('sim', 'n14', { noise: true, seed: 5 });
  const h = hyper(16, 1); // 28 train rows -> 2 batches; one epoch = 2 steps with momentum
  const enc = await trainEncrypted(be, data, h, softmax);
  const plain = trainPlain(data, h, (z, rows, c) => softmax.plain(z, rows, c));
  const d = maxAbsDiff(enc.weights, plain.weights.data);
  // Each weight is lr/batch times a sum over `batch` rows of (P - Y) x with |x| <= 1, so an error
  // e in the probabilities moves a weight by at most lr * e per step; the encrypted softmax
  // agrees with its float64 form within ~1e-4 under SEAL-sized noise (softmax tests).
  const bound = h.lr * 1e-4 * enc.steps;
  assert.ok(d < bound, `|W_enc - W_plain| = ${d} exceeds ${bound}`);
  be.dispose();
});

test('seal (n14): one step agrees with the float64 step within the CKKS bound', async () => {
  const data = await oneBatchData(3);
  const softmax = getSoftmax('hetal');
  const be = await createSession('seal', 'n14');
  const h = hyper(32, 1);
  const seen = conjugationsByKernel();
  const enc = await trainEncrypted(be, data, h, softmax, { kernels: seen.kernels });
  const plain = trainPlain(data, h, (z, rows, c) => softmax.plain(z, rows, c));
  const d = maxAbsDiff(enc.weights, plain.weights.data);
  assertConjugations(enc, seen);
  // the same operations as the simulator's run of the same step
  const sim = await createSession('sim', 'n14');
  const twin = await trainEncrypted(sim, data, h, softmax);
  // (refresh wall time and bytes aside: seal's are measured, the simulator's modelled)
  const ops = (o: typeof enc.ops) => ({ ...o, refreshMs: 0, refreshBytes: 0 });
  assert.equal(ops(enc.ops), ops(twin.ops), 'seal counts as the simulator');
  sim.dispose();
  // as above: lr times the softmax agreement on seal (2.2e-5 measured at n14, softmax tests)
  // plus the products' own error (a few key switches, errorBound), per step
  assert.ok(d < h.lr * 1e-4, `|W_enc - W_plain| = ${d}`);
  be.dispose();
});

test('sim: batches of several block rows (and a partial last one) equal the float64 steps', async () => {
  // 40 classes pad to 64: s0 = 8192 / 64 = 128 rows per block row at n14, so a batch of 256 is
  // two block rows; 280 training rows make one epoch of a full batch and a 24-row batch.
  const data = await loadDataset('synthetic:n=400,d=6,c=40,sep=3', { seed: 3 });
  const softmax = getSoftmax('hetal');
  const be = await createSession('sim', 'n14');
  const h = hyper(256, 1);
  const layout = trainingLayout(be.ev, data.classes, data.train.d, h.batch);
  assert.equal([layout.s0, layout.rowBlocks], [128, 2]);
  const enc = await trainEncrypted(be, data, h, softmax);
  const plain = trainPlain(data, h, (z, rows, c) => softmax.plain(z, rows, c));
  assert.is(enc.steps, Math.ceil(data.train.n / 256));
  const d = maxAbsDiff(enc.weights, plain.weights.data);
  assert.ok(d < 1e-9, `|W_enc - W_plain| = ${d}`);
  be.dispose();
});

test("the weights' level picks DiagABT's signed form where its B CMult are fewer than the (p/2)·A fix-ups it saves", async () => {
  const be = await createSession('sim', 'n14');
  // digits: 65 features in 3 block columns, 16 padded classes, one block row: signed (W at 4)
  const digits = trainingLayout(be.ev, 10, 65, 256);
  assert.equal([digits.colBlocks, digits.rowBlocks, digits.cPad], [3, 1, 16]);
  assert.is(hetalKernels.abtDepth(digits), 4);
  // MNIST's step: 49 block columns, 2 block rows: 49 CMult against 16 fix-ups, the plain form (W at 3)
  const mnist = trainingLayout(be.ev, 10, 769, 1024);
  assert.equal([mnist.colBlocks, mnist.rowBlocks], [49, 2]);
  assert.is(hetalKernels.abtDepth(mnist), 3);
  be.dispose();
});

test('bad layouts are refused with the reason; a batch larger than a block row spans several', async () => {
  const be = await createSession('sim', 'n13');
  assert.throws(() => trainingLayout(be.ev, 1, 10, 16), /at least 2/);
  assert.is(trainingLayout(be.ev, 10, 10, 1024).rowBlocks, 4);
  assert.throws(() => trainingLayout({ slots: 64, maxLevel: 2, supportsComplex: true }, 16, 10, 4), /do not fit a block row/);
});

test.run();
