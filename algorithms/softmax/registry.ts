/**
 * The softmax registry: one line per approximation, keyed by its id, in the paper's table order.
 * A key that differs from its approximation's id, or a duplicate key, does not compile
 * (algorithms/registry.ts). Everything else reads the approximations from here.
 */
import type { SoftmaxAlgorithm } from '../interface';
import { byId, lookup } from '../registry';
import { exactExp } from './exact-exp';
import { hetal } from './hetal';
import { hetalPrecise } from './hetal-precise';
import { hong } from './hong';
import { jin } from './jin';
import { lee } from './lee';

/** Every softmax approximation by id. */
export const SOFTMAX_REGISTRY = byId<SoftmaxAlgorithm>()({
  hetal: hetal,
  'hetal-precise': hetalPrecise,
  lee: lee,
  hong: hong,
  jin: jin,
  'exact-exp': exactExp,
});

/** A registered softmax approximation's id. */
export type SoftmaxId = keyof typeof SOFTMAX_REGISTRY;

/** Every softmax approximation, in registry order. */
export const SOFTMAX_ALGORITHMS: readonly SoftmaxAlgorithm[] = Object.values(SOFTMAX_REGISTRY);

/** The approximation with this id, or an InputError listing the known ids. */
export function getSoftmax(id: string): SoftmaxAlgorithm {
  return lookup<SoftmaxAlgorithm>(SOFTMAX_REGISTRY, id, 'softmax');
}
