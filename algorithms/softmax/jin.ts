/**
 * Jin et al.'s softmax (PrivGD, as in HETAL's reference code): softmax_i ~ product over j != i of
 * sigma(x_i - x_j), sigma(t) ~ 0.5 + 0.15012 t - 0.00156 t^3. No exp, no inverse; the outputs do
 * not sum to 1 and degrade quickly beyond small ranges.
 *
 * On ciphertexts: for each shift k = 1..cPad-1, the differences x_j - x_((j+k) mod cPad) come from
 * a rotation within the class period (one level, two rotations: layout.ts); sigma is evaluated
 * with per-slot coefficients so that a padded partner contributes the factor 1 and a padded
 * class gets the factor 0 (its output is then exactly 0), at no extra level. The cPad - 1
 * factors are multiplied as a balanced tree. Levels: 1 + 2 + ceil(log2(cPad - 1)).
 */
import type { Evaluator, Ct, Refresher } from '../ckks/types';
import { checkLayout, classVector, ensureLevel, rotateWithinPeriod } from './layout';
import { CHUNK_ROWS, byColumns } from './columns';
import { evalPolyCt, polyDepth } from './poly';
import type { SoftmaxAlgorithm, SoftmaxLayout } from '../interface';

/** sigma(t) ~ 0.5 + 0.15012 t - 0.00156 t^3 (constant first). */
export const JIN_SIGMOID: readonly number[] = [0.5, 0.15012, 0, -0.00156];

/** Jin et al. (PrivGD): product of approximate sigmoids of pairwise differences. */
export const jin: SoftmaxAlgorithm<'jin'> = {
  id: 'jin',
  family: 'softmax',
  name: 'Jin et al.',
  title: 'Jin et al. (PrivGD): product over j != i of sigma(x_i - x_j), cubic sigma',
  citation:
    'Jin et al., "Secure transfer learning for machine fault diagnosis under different operating conditions", ProvSec 2020 (as in HETAL softmax.py "privgd")',
  designRange: 4,
  encryptable: true,
  // the first stage: one level for the rotation within the period, then the cubic sigma
  minLevels: 1 + polyDepth(JIN_SIGMOID),
  plain(z, rows, classes) {
    const [c0, c1, , c3] = JIN_SIGMOID as [number, number, number, number];
    const acc = new Float64Array(CHUNK_ROWS);
    return byColumns(z, rows, classes, (cols, n) => {
      const prods = cols.map((xi, i) => {
        acc.fill(1, 0, n);
        cols.forEach((xj, j) => {
          if (j === i) return;
          for (let r = 0; r < n; r++) {
            const t = xi[r]! - xj[r]!;
            acc[r] = acc[r]! * (c0 + t * (c1 + t * t * c3));
          }
        });
        return Float64Array.from(acc.subarray(0, n));
      });
      prods.forEach((p, i) => cols[i]!.set(p));
    });
  },
  depth: (layout) => 1 + polyDepth(JIN_SIGMOID) + Math.ceil(Math.log2(layout.cPad - 1)),
  rotationSteps(layout) {
    const out: number[] = [];
    for (let k = 1; k < layout.cPad; k++) out.push(k, k - layout.cPad);
    return out;
  },
  encrypted(be, rf, z, layout) {
    checkLayout(be, layout);
    return be.scope(() => {
      const x = ensureLevel(be, rf, z, 1 + polyDepth(JIN_SIGMOID));
      const factors: Ct[] = [];
      for (let k = 1; k < layout.cPad; k++) {
        factors.push(be.scope(() => evalPolyCt(be, be.sub(x, rotateWithinPeriod(be, x, k, layout)), sigmoidCoeffs(be, layout, k))));
      }
      return productTree(be, rf, factors);
    });
  },
};

/** Per-slot sigma coefficients for shift k: sigma, or 1 where the partner is padded, 0 at padded classes. */
function sigmoidCoeffs(be: Evaluator, layout: SoftmaxLayout, k: number): Float64Array[] {
  const kind = (j: number) => (j >= layout.classes ? 'zero' : (j + k) % layout.cPad >= layout.classes ? 'one' : 'sigma');
  return JIN_SIGMOID.map((c, deg) =>
    classVector(be, layout, (j) => {
      const what = kind(j);
      return what === 'sigma' ? c : what === 'one' && deg === 0 ? 1 : 0;
    }),
  );
}

/** Balanced product, refreshing an operand that has no level left. */
function productTree(be: Evaluator, rf: Refresher, xs: Ct[]): Ct {
  let level = xs;
  while (level.length > 1) {
    const next: Ct[] = [];
    for (let i = 0; i + 1 < level.length; i += 2)
      next.push(be.mul(ensureLevel(be, rf, level[i]!, 1), ensureLevel(be, rf, level[i + 1]!, 1)));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}
