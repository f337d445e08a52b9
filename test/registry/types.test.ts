/**
 * The registries' typing (algorithms/registry.ts), checked by `tsc`: each `@ts-expect-error`
 * below must be an error, so a key that differs from its algorithm's id, a duplicate key, or an id
 * that is not registered does not compile. At run time: the registries keep their order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MatmulAlgorithm, SoftmaxAlgorithm } from '../../algorithms/interface';
import { colMajorAlgorithm } from '../../algorithms/matmul/colmajor';
import { diagAbtAlgorithm } from '../../algorithms/matmul/diag-abt';
import { MATMUL_ALGORITHMS, type MatmulId } from '../../algorithms/matmul/registry';
import { byId } from '../../algorithms/registry';
import { hetal } from '../../algorithms/softmax/hetal';
import { SOFTMAX_ALGORITHMS, type SoftmaxId } from '../../algorithms/softmax/registry';

test('a key must be its algorithm id, once; ids are the registered ones', () => {
  const ok = byId<MatmulAlgorithm>()({ colmajor: colMajorAlgorithm, 'diag-abt': diagAbtAlgorithm });
  assert.equal(Object.keys(ok), ['colmajor', 'diag-abt']);

  // @ts-expect-error the key differs from the algorithm's id
  byId<MatmulAlgorithm>()({ 'diag-atb': diagAbtAlgorithm });
  // @ts-expect-error an approximation's key differs from its id
  byId<SoftmaxAlgorithm>()({ lee: hetal });
  byId<MatmulAlgorithm>()({
    colmajor: colMajorAlgorithm,
    // @ts-expect-error a duplicate key
    colmajor: colMajorAlgorithm,
  });

  const known: MatmulId = 'diag-abt';
  // @ts-expect-error not a registered matmul id
  const unknown: MatmulId = 'diag-xyz';
  const softmax: SoftmaxId = 'hetal';
  // @ts-expect-error not a registered softmax id
  const notSoftmax: SoftmaxId = 'colmajor';
  assert.ok([known, unknown, softmax, notSoftmax].every((id) => typeof id === 'string'));
});

test('registry order is the paper order (Table 7 columns, the softmax table)', () => {
  assert.equal(
    MATMUL_ALGORITHMS.slice(0, 6).map((a) => a.id),
    ['jin-abt', 'colmajor', 'diag-abt', 'jin-atb', 'rowmajor', 'diag-atb'],
  );
  assert.equal(
    SOFTMAX_ALGORITHMS.slice(0, 6).map((a) => a.id),
    ['hetal', 'hetal-precise', 'lee', 'hong', 'jin', 'exact-exp'],
  );
});

test.run();
