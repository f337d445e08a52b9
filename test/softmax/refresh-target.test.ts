/**
 * Level-aware refreshes (Refresher.target 'need', softmax/layout.ts refreshingToNeed): each
 * refresh lands at the level its stage needs instead of the top, so the products run at the
 * lowest levels; the result is the same (noiseless simulator: float64 arithmetic).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Ct, LevelCounts, Refresher } from '../../algorithms/ckks/types';
import { diffLevelCounts } from '../../algorithms/ckks/types';
import { NEED_FLOOR, ensureLevel, refreshingToNeed } from '../../algorithms/softmax/layout';
import { getSoftmax } from '../../algorithms/softmax/registry';
import { sharedSession } from '../helpers/backends';
import { blockLogits, layoutFor, runBlock } from './_fixtures';

/** `rf`, recording the level of every refresh it makes. */
function recording(rf: Refresher): { rf: Refresher; levels: number[] } {
  const levels: number[] = [];
  return {
    levels,
    rf: {
      kind: rf.kind,
      minInputLevel: rf.minInputLevel,
      outputLevel: rf.outputLevel,
      ...(rf.target ? { target: rf.target } : {}),
      refresh(ct: Ct, level?: number) {
        const out = rf.refresh(ct, level);
        levels.push(out.level);
        return out;
      },
    },
  };
}

/** Products priced as key switches, ~(l+1)(l+2) at level l. */
function productCost(c: LevelCounts): number {
  return (c.mult ?? []).reduce((sum, n, l) => sum + n * (l + 1) * (l + 2), 0);
}

test('ensureLevel: to the top by default, to the need (not below the floor) with refreshingToNeed, to `to` when given', async () => {
  const s = await sharedSession('sim', 'n14');
  const be = s.ev;
  be.scope(() => {
    const low = be.dropTo(s.client.encrypt(new Float64Array([1, 2, 3])), 0);
    assert.is(ensureLevel(be, s.rf, low, 2).level, s.rf.outputLevel);
    assert.is(ensureLevel(be, refreshingToNeed(s.rf), low, 2).level, Math.max(2, NEED_FLOOR));
    assert.is(ensureLevel(be, refreshingToNeed(s.rf), low, 5).level, 5);
    assert.is(ensureLevel(be, refreshingToNeed(s.rf), low, 2, 5).level, 5);
    const kept = ensureLevel(be, refreshingToNeed(s.rf), low, 0);
    assert.is(kept, low, 'enough levels: no refresh');
  });
});

test('hetal softmax, n14, c = 10: the same result with refreshes at each need, its products at lower levels', async () => {
  const s = await sharedSession('sim', 'n14', { rotationKeys: 'declared' });
  const be = s.ev;
  const alg = getSoftmax('hetal');
  const layout = layoutFor(be, 10);
  s.ensureRotationKeys(alg.rotationSteps(layout));
  const z = blockLogits(layout, [4, 8, 32, 128]);
  const run = (rf: Refresher) => {
    const before = be.levelCounts();
    const r = runBlock(s, alg, layout, z, rf);
    return { ...r, levels: diffLevelCounts(be.levelCounts(), before) };
  };
  const top = recording(s.rf);
  const need = recording(refreshingToNeed(s.rf));
  const a = run(top.rf);
  const b = run(need.rf);
  assert.ok(a.agreement < 1e-9 && b.agreement < 1e-9, `${a.agreement} ${b.agreement}`);
  assert.ok(top.levels.every((l) => l === s.rf.outputLevel));
  // the deepest single stage of HETAL's softmax is a comparison polynomial (4 levels)
  assert.ok(Math.max(...need.levels) <= Math.max(4, NEED_FLOOR), `refresh levels ${need.levels.join(',')}`);
  assert.ok(Math.min(...need.levels) >= NEED_FLOOR, `refresh levels ${need.levels.join(',')}`);
  assert.ok(need.levels.length > top.levels.length, 'more, cheaper refreshes');
  assert.ok(productCost(b.levels) < 0.8 * productCost(a.levels), `${productCost(b.levels)} vs ${productCost(a.levels)}`);
});

test.run();
