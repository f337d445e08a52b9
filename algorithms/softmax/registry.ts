/** The softmax approximations by CLI id. */
import { InputError } from '../errors';
import { exactExp } from './exact-exp';
import { hetal } from './hetal';
import { hetalPrecise } from './hetal-precise';
import { hong } from './hong';
import { jin } from './jin';
import { lee } from './lee';
import type { SoftmaxApprox } from './types';

/** Every softmax approximation, in the paper's table order. */
export const SOFTMAX_ALGORITHMS: readonly SoftmaxApprox[] = [hetal, hetalPrecise, lee, hong, jin, exactExp];

/** The algorithm with this id, or an InputError listing the known ids. */
export function getSoftmax(id: string): SoftmaxApprox {
  const alg = SOFTMAX_ALGORITHMS.find((a) => a.id === id);
  if (!alg) throw new InputError(`unknown softmax algorithm '${id}' (known: ${SOFTMAX_ALGORITHMS.map((a) => a.id).join(', ')})`);
  return alg;
}
