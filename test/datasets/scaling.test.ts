import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadDataset } from '../../datasets';
import { applyScaler, fitScaler } from '../../datasets/scaling';

// Takes indexed elements as they come: an element missing (undefined) fails the check.
const close = (a: number | undefined, b: number | undefined, tol = 1e-12) =>
  assert.ok(a !== undefined && b !== undefined && Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('the scaler uses the training statistics for every split', () => {
  // Two features: column 0 has train mean 2 and std 1; column 1 is constant 5 in train.
  const train = { values: Float64Array.from([1, 5, 3, 5, 1, 5, 3, 5]), n: 4, d: 2 };
  const scaler = fitScaler(train);
  const other = { values: Float64Array.from([2, 5, 2.5, 6]), n: 2, d: 2 };
  const split = applyScaler(scaler, other, Int32Array.from([0, 1]));
  assert.is(split.d, 3);
  const root = Math.sqrt(2);
  close(split.X[0], 0); // the train mean maps to 0, whatever the other split's mean is
  close(split.X[1], 0);
  assert.is(split.X[2], 1); // bias
  close(split.X[3], 0.5 / root);
  close(split.X[4], 1 / root); // constant in train: std counted as 1
  assert.is(split.X[5], 1);
});

test('values beyond the training range are clipped to [-1, 1]', () => {
  const scaler = fitScaler({ values: Float64Array.from([0, 1, 0, 1]), n: 4, d: 1 });
  const split = applyScaler(scaler, { values: Float64Array.from([100, -100]), n: 2, d: 1 }, new Int32Array(2));
  assert.equal(Array.from(split.X), [1, 1, -1, 1]);
});

test('a stored scale (pixels / 255 without a copy) gives the same result as dividing first', () => {
  const bytes = Uint8Array.from([0, 255, 10, 0, 128, 255, 0, 0, 40]);
  const scaled = Float64Array.from(bytes, (v) => v / 255);
  const viaScale = fitScaler({ values: bytes, n: 3, d: 3, scale: 1 / 255 });
  const direct = fitScaler({ values: scaled, n: 3, d: 3 });
  const a = applyScaler(viaScale, { values: Uint8Array.from([255, 255, 255]), n: 1, d: 3, scale: 1 / 255 }, new Int32Array(1));
  const b = applyScaler(direct, { values: Float64Array.from([1, 1, 1]), n: 1, d: 3 }, new Int32Array(1));
  for (let j = 0; j < 4; j++) close(a.X[j], b.X[j], 1e-12);
});

test('a loaded dataset: train features centred, val/test scaled with the same statistics', async () => {
  const ds = await loadDataset('wine', { seed: 5 });
  const { d } = ds.train;
  for (let j = 0; j < d - 1; j++) {
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < ds.train.n; i++) {
      sum += ds.train.X[i * d + j]!;
      sumSq += ds.train.X[i * d + j]! ** 2;
    }
    // Standardized then divided by sqrt(13): mean 0 and variance 1/13 (clipping at 3.6 std barely moves them).
    assert.ok(Math.abs(sum / ds.train.n) < 0.01, `train mean of column ${j}`);
    assert.ok(Math.abs(sumSq / ds.train.n - 1 / (d - 1)) < 0.01, `train variance of column ${j}`);
  }
  // The test split's own mean is not forced to 0 (scaling is fitted on train only).
  const testMeans = Array.from({ length: d - 1 }, (_, j) => {
    let sum = 0;
    for (let i = 0; i < ds.test.n; i++) sum += ds.test.X[i * d + j]!;
    return Math.abs(sum / ds.test.n);
  });
  assert.ok(Math.max(...testMeans) > 1e-3);
});

test.run();
