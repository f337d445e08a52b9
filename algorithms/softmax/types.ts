/** What the softmax approximations add to the shared `SoftmaxAlgorithm` interface. */
import type { SoftmaxAlgorithm } from '../interface';

/** A softmax approximation of this folder: the shared interface plus what the harness checks up front. */
export interface SoftmaxApprox extends SoftmaxAlgorithm {
  /** Most levels one stage needs between refreshes (a preset with fewer levels cannot run it). */
  readonly minLevels: number;
}
