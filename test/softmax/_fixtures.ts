/** Shared by the softmax tests: one block of logits in the SoftmaxLayout, run encrypted, compared with plain. */
import type { Session } from '../../algorithms/ckks/session';
import type { OpCounts, Refresher } from '../../algorithms/ckks/types';
import { diffCounts } from '../../algorithms/ckks/types';
import type { SoftmaxAlgorithm, SoftmaxLayout } from '../../algorithms/interface';
import { uniformRng } from '../../algorithms/random';
import { padClasses } from '../../algorithms/softmax/layout';

/** What one encrypted block gives. */
export interface BlockOutcome {
  /** max |encrypted - plain| over real classes of every period */
  agreement: number;
  /** max |output| in padded classes */
  padded: number;
  /** levels consumed without refreshes (maxLevel - output level, meaningful when refresh = 0) */
  consumed: number;
  ops: OpCounts;
}

/** The layout of `classes` with s1 = cPad * periods on this backend. */
export function layoutFor(be: { slots: number }, classes: number, periods = 1): SoftmaxLayout {
  const cPad = padClasses(classes);
  return { s0: be.slots / (cPad * periods), s1: cPad * periods, classes, cPad };
}

/** Logits for every row of a block: uniform in [-r, r], r cycling through `ranges` (the cumulative protocol). */
export function blockLogits(layout: SoftmaxLayout, ranges: readonly number[], seed = 1): Float64Array {
  const rng = uniformRng(seed);
  const z = new Float64Array(layout.s0 * layout.classes);
  for (let i = 0; i < z.length; i++) {
    const r = ranges[Math.floor(i / layout.classes) % ranges.length]!;
    z[i] = (2 * rng() - 1) * r;
  }
  return z;
}

/** Encrypts z in the layout, runs `alg.encrypted`, compares every period with `alg.plain`. */
export function runBlock(s: Session, alg: SoftmaxAlgorithm, layout: SoftmaxLayout, z: Float64Array, rf: Refresher = s.rf): BlockOutcome {
  const be = s.ev;
  const { s0, s1, classes: c, cPad } = layout;
  const slots = new Float64Array(be.slots);
  for (let r = 0; r < s0; r++) for (let j = 0; j < s1; j++) if (j % cPad < c) slots[r * s1 + j] = z[r * c + (j % cPad)]!;
  const plain = alg.plain(z, s0, c);
  return be.scope(() => {
    const ct = s.client.encrypt(slots);
    const before = be.counts();
    const out = alg.encrypted(be, rf, ct, layout);
    const ops = diffCounts(be.counts(), before);
    const v = s.client.decrypt(out);
    let agreement = 0;
    let padded = 0;
    for (let r = 0; r < s0; r++) {
      for (let j = 0; j < s1; j++) {
        const k = j % cPad;
        const x = v[r * s1 + j]!;
        if (k < c) agreement = Math.max(agreement, Math.abs(x - plain[r * c + k]!));
        else padded = Math.max(padded, Math.abs(x));
      }
    }
    return { agreement, padded, consumed: be.maxLevel - out.level, ops };
  });
}

/** Operations counted for the CKKS error bound: every product, rotation and refresh. */
export function countedOps(ops: OpCounts): number {
  return ops.mult + ops.cmult + ops.rot + ops.refresh;
}
