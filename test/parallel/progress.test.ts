/**
 * The memory watchdog's progress beacon reaches the worker threads: a long product on the pool
 * beats the same counter as the main thread, so the watchdog (harness/watchdog.ts) does not
 * take a busy pool for SEAL spinning (it killed a 2-worker seal training run that way), and the
 * work merged from the workers is kept apart for the cost model (counting.ts mergedLevelCounts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { progressBeacon, setProgressBeacon } from '../../algorithms/ckks/progress';
import { createSession } from '../../algorithms/ckks/session';
import { diffLevelCounts, type LevelCounts } from '../../algorithms/ckks/types';
import { matmulAlgorithm } from '../../algorithms/matmul/registry';
import { EvaluatorPool } from '../../algorithms/parallel/pool';
import { withInputLevels } from '../../harness/commands/matmul';
import { operands } from '../matmul/_run';

const total = (c: LevelCounts) => Object.values(c).reduce((s, arr) => s + (arr ?? []).reduce((a, b) => a + b, 0), 0);

test("a product on 2 workers beats the main thread's progress counter once per worker operation", async () => {
  const previous = progressBeacon();
  const counter = new Int32Array(new SharedArrayBuffer(4));
  setProgressBeacon(counter);
  const s = await createSession('sim', 'n14', { seed: 3 });
  const algo = matmulAlgorithm('diag-abt');
  const shape = { a: 256, b: 128, c: 4 };
  try {
    const be = s.ev;
    const plan = withInputLevels(algo, algo.plan(shape, be), { inputLevel: 'auto', atbSums: 'shared' });
    s.ensureRotationKeys(algo.rotationSteps(plan));
    const pool = await EvaluatorPool.start(s, 2);
    try {
      const [A, B] = operands(algo, shape);
      await be.scopeAsync(async () => {
        const inputs = algo.prepare(s.client, plan, A, B);
        const merged0 = be.counter.mergedLevelCounts();
        const beats0 = Atomics.load(counter, 0);
        await algo.runParallel!(be, plan, inputs, pool);
        const merged = diffLevelCounts(be.counter.mergedLevelCounts(), merged0);
        const beats = Atomics.load(counter, 0) - beats0;
        // every counted operation beats once; merging the workers' counts here beats nothing
        assert.ok(total(merged) > 0, 'the workers did part of the product');
        assert.ok(beats >= (merged.keyswitch?.reduce((a, b) => a + b, 0) ?? 0), `${beats} beats for the workers' key switches`);
        assert.ok(beats > 0);
      });
    } finally {
      await pool.destroy();
    }
  } finally {
    s.dispose();
    setProgressBeacon(previous);
  }
});

test.run();
