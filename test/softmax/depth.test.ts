/** depth(layout) is exactly the levels consumed when no refresh is needed; rotationSteps covers every rotation. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validatePreset } from '../../algorithms/ckks/presets';
import { createSession } from '../../algorithms/ckks/session';
import { SOFTMAX_ALGORITHMS, getSoftmax } from '../../algorithms/softmax/registry';
import { blockLogits, layoutFor, runBlock } from './_fixtures';

// A simulator-only chain of 100 levels (no security claim: it never runs on SEAL).
const deep = validatePreset({
  name: 'deep-test',
  description: 'sim only, 100 levels',
  ringDegree: 8192,
  chainBits: [60, ...Array(100).fill(40), 60],
  scaleBits: 40,
  backends: ['sim'],
});

test('levels consumed equal depth(layout), with no refresh, for every encrypted algorithm and c = 2, 3, 10, 16', async () => {
  const s = await createSession('sim', deep, { rotationKeys: 'declared' });
  const be = s.ev;
  const want: Record<string, number[]> = {
    hetal: [48, 58, 78, 78],
    'hetal-precise': [51, 61, 81, 81],
    lee: [22, 22, 22, 22],
    hong: [38, 38, 38, 38],
    jin: [3, 5, 7, 7],
  };
  for (const alg of SOFTMAX_ALGORITHMS.filter((a) => a.encryptable)) {
    [2, 3, 10, 16].forEach((c, i) => {
      const layout = layoutFor(be, c);
      s.ensureRotationKeys(alg.rotationSteps(layout));
      const r = runBlock(s, alg, layout, blockLogits(layout, [4]));
      assert.is(r.ops.refresh, 0, alg.id);
      assert.is(r.consumed, alg.depth(layout), `${alg.id} c=${c}`);
      // the shipped approximations' depths as their files derive them (a new one is checked by the line above)
      if (want[alg.id]) assert.is(alg.depth(layout), want[alg.id]![i], `${alg.id} c=${c} depth`);
    });
  }
  s.dispose();
});

test('a preset with fewer levels than a stage needs is refused with a message naming it', async () => {
  const tiny = await createSession(
    'sim',
    validatePreset({ name: 'n13', description: '', ringDegree: 8192, chainBits: [60, 40, 40, 60], scaleBits: 40, backends: ['sim'] }),
  );
  const alg = getSoftmax('hetal');
  const layout = layoutFor(tiny.ev, 3);
  assert.throws(() => runBlock(tiny, alg, layout, blockLogits(layout, [4])), /preset n13 has 2 levels after a refresh; this stage needs 3/);
  tiny.dispose();
});

test.run();
