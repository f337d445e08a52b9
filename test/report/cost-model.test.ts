/** The report's cost-model section: seal records' predictions beside their times, estimates beside the paper's. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderReport } from '../../harness/report';
import type { EstimateRecord } from '../../harness/records';
import { matmulRecord, sectionOf } from './_fixture';

const estimate = (workers: number, trainS: number): EstimateRecord => ({
  kind: 'estimate',
  state: 'completed',
  meta: matmulRecord().meta,
  cell: `estimate|train|n14|MNIST|w${workers}`,
  algorithm: 'hetal',
  backend: 'seal',
  preset: 'n14',
  slots: 8192,
  target: 'train',
  workers,
  predictedMs: trainS * 1000,
  latencyTable: { measuredAt: '2026-01-12T08:00:00.000Z', iterations: 5, clock: 'cpu' },
  dataset: 'MNIST',
  batch: 1024,
  blocks: '2x49 of 512x16',
  steps: 364,
  predicted: { stepS: trainS / 364, trainS, validationS: 0, inferenceS: 0, stepPartsS: {} },
  paper: { stepS: '4.29-15.72', totalS: '567-3442', note: 'range' },
});

test('seal records with predictions and estimates get the cost-model section', async () => {
  const seal = matmulRecord({
    backend: 'seal',
    preset: 'n14',
    timeMs: { median: 3000, min: 3000, max: 3000, n: 1 },
    predictedMs: 1500,
    overhead: 2,
    cpuMs: 1470,
    cpuOverhead: 0.98,
  });
  const built = await renderReport([seal, estimate(1, 31881), estimate(16, 3813)]);
  assert.ok(built.sections.includes('cost-model'));
  const html = sectionOf(built.html, 'cost-model');
  assert.match(html, /diag-abt 128x128x4/);
  assert.match(html, /0\.98/);
  assert.match(html, /31881/);
  assert.match(html, /567-3442/);
});

test('no prediction, no section', async () => {
  const built = await renderReport([matmulRecord()]);
  assert.not.ok(built.sections.includes('cost-model'));
});

test.run();
