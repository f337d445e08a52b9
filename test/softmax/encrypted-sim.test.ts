/**
 * Every encrypted approximation on sim agrees with its float64 form.
 * - Noise off: the simulator computes in float64, so any difference is a layout or circuit bug
 *   (a rotation reading the wrong row, a missing mask): agreement within 1e-9, padded classes 0.
 * - Noise on (SEAL-sized, see sim.ts): agreement within errorBound(preset, ops) of precision.ts,
 *   ops = Mult + CMult + Rot + Refresh of the run. Why that bound holds: each operation adds at
 *   most 2^(22 - scaleBits) times the magnitude it touches; every stage works on O(1) values
 *   (scaled logits in [-1/2, 1/2], exp inputs in [-1, 1], w = z/R in (0, 2), probabilities
 *   <= 1), and the amplification of the nonlinear stages (comparison slope, squarings) stays
 *   below the linear-in-ops allowance: measured margins are 18x (lee) to 100x (hetal).
 *   Hong is the exception (below): its inverse runs 30 squarings on t = 1 - w with w down to
 *   1e-9..1e-7, so noise of 1e-9 is amplified by up to 1/(e w) and can even make w negative.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorBound } from '../../algorithms/ckks/precision';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { sharedSession } from '../helpers/backends';
import { blockLogits, countedOps, layoutFor, runBlock } from './_fixtures';

const NOISY = ['hetal', 'hetal-precise', 'lee', 'jin'] as const;
const ALL = [...NOISY, 'hong'] as const;
/** logit ranges per algorithm: the paper's cumulative ranges within what each is designed for */
const RANGES: Record<string, number[]> = { hetal: [4, 8, 32, 128], 'hetal-precise': [4, 8, 32, 128], lee: [4, 8], jin: [4], hong: [4] };

for (const preset of ['fgb', 'n14']) {
  test(`${preset}, noise off: every algorithm equals its float64 form (c = 3, 10; s1 = cPad and 4 cPad)`, async () => {
    const s = await sharedSession('sim', preset, { rotationKeys: 'declared' });
    const be = s.ev;
    for (const id of ALL) {
      const alg = getSoftmax(id);
      for (const c of [3, 10]) {
        for (const periods of preset === 'fgb' ? [1, 4] : [1]) {
          const layout = layoutFor(be, c, periods);
          s.ensureRotationKeys(alg.rotationSteps(layout));
          const r = runBlock(s, alg, layout, blockLogits(layout, RANGES[id]!));
          assert.ok(r.agreement < 1e-9, `${id} c=${c} s1=${layout.s1}: ${r.agreement}`);
          assert.is(r.padded, 0, `${id} padded`);
          assert.is(r.ops.keyswitch, r.ops.rot, 'every rotation has its declared key');
        }
      }
    }
  });

  test(`${preset}, SEAL-sized noise: agreement within errorBound(preset, Mult + CMult + Rot + Refresh)`, async () => {
    const s = await sharedSession('sim', preset, { noise: true, seed: 11 });
    const be = s.ev;
    for (const id of NOISY) {
      const alg = getSoftmax(id);
      for (const c of [3, 10]) {
        const layout = layoutFor(be, c);
        const r = runBlock(s, alg, layout, blockLogits(layout, RANGES[id]!, 2));
        const bound = errorBound(be.preset, countedOps(r.ops));
        assert.ok(r.agreement <= bound, `${id} c=${c}: ${r.agreement} > ${bound}`);
        assert.ok(r.padded <= bound, `${id} padded ${r.padded}`);
      }
    }
  });
}

test('refreshes: HETAL c = 10 needs 78 levels; fgb (12) refreshes 9 times, n14 (7) 14 times; jin needs none', async () => {
  for (const [preset, want] of [
    ['fgb', 9],
    ['n14', 14],
  ] as const) {
    const s = await sharedSession('sim', preset);
    const be = s.ev;
    const layout = layoutFor(be, 10);
    const r = runBlock(s, getSoftmax('hetal'), layout, blockLogits(layout, [4, 128]));
    assert.is(getSoftmax('hetal').depth(layout), 78);
    assert.is(r.ops.refresh, want, preset);
    assert.is(runBlock(s, getSoftmax('jin'), layout, blockLogits(layout, [4])).ops.refresh, 0);
  }
});

test.run();
