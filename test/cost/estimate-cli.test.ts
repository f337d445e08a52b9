/**
 * `hetal-bench estimate` end to end on a synthetic latency table (no seal measurement): the
 * training estimate of the digits run multiplies the simulated step by the run's steps, workers
 * shorten it, and bad input exits 2.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type LatencyTable, machineId, saveTable } from '../../harness/cost/latency';
import type { LatencyMedians } from '../../harness/cost/model';
import { cli, jsonLines } from '../helpers/cli';

// 1 ms per key switch at every level, the rest 0.1 ms (per prime where it matters)
const ops = ['encode', 'encrypt', 'decrypt', 'add', 'cmult', 'mult', 'rescale', 'rot', 'rot7', 'conjugate', 'muli', 'refresh'];
const medians: LatencyMedians = Object.fromEntries(
  ops.map((op) => [
    op,
    Array.from({ length: 8 }, (_, l) => (op === 'rot' || op === 'conjugate' ? 1 : op === 'mult' ? 1.2 : 0.1) * (l + 1)),
  ]),
);

function tableDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'latency-cli-'));
  const table: LatencyTable = {
    machine: machineId(),
    backend: 'seal',
    preset: 'n14',
    measuredAt: new Date().toISOString(),
    iterations: 1,
    medians,
    cpuMedians: medians,
  };
  saveTable(table, dir);
  return dir;
}

test('estimate --dataset digits: the run is its steps times the simulated step, plus validation', () => {
  const dir = tableDir();
  const r = cli(['estimate', '--dataset', 'digits', '--preset', 'n14', '--workers', '1,2', '--steps', '1', '--json'], {
    env: { HETAL_BENCH_LATENCY_DIR: dir },
  });
  assert.is(r.status, 0, r.stderr);
  const [one, two] = jsonLines(r.stdout) as {
    steps: number;
    predictedMs: number;
    predicted: { stepS: number; trainS: number; validationS: number };
  }[];
  // 1258 training rows in batches of 256 for 10 epochs
  assert.is(one!.steps, 50);
  assert.ok(one!.predicted.stepS > 0);
  assert.ok(Math.abs(one!.predicted.trainS - (50 * one!.predicted.stepS + one!.predicted.validationS)) <= 1, JSON.stringify(one));
  assert.ok(two!.predictedMs < one!.predictedMs && two!.predictedMs > one!.predictedMs / 2, 'two workers: faster, less than twice');
  fs.rmSync(dir, { recursive: true });
});

test('estimate refuses no mode or two modes with exit 2', () => {
  const none = cli(['estimate']);
  assert.is(none.status, 2);
  assert.match(none.stderr, /exactly one of --paper, --shape/);
  assert.is(cli(['estimate', '--paper', '--shape', '64x64x4']).status, 2);
});

test.run();
