/**
 * The bootstrap refresher: the same interface as the client-aided one (session.ts), but the
 * server refreshes a ciphertext alone, with the bootstrap of bootstrapper.ts and the keys the key
 * owner sent once. Counted like the client-aided one where the two compare (`refresh`, and its wall
 * time in `refreshMs`; no bytes move), and the bootstrap's own operations (ModRaise, key switches,
 * products) by the counting evaluator it runs on. The Bootstrapper (its transforms) is built on
 * the first refresh.
 */
import { InputError } from '../../errors';
import type { OpCounter } from '../counting';
import type { Ct, Evaluator, Refresher } from '../types';
import { type BootstrapParams, type BootstrapStage, Bootstrapper } from './bootstrapper';

export class BootstrapRefresher implements Refresher {
  readonly kind = 'bootstrap';
  readonly minInputLevel = 0;
  readonly outputLevel: number;
  /** Wall time by stage over every refresh so far (ms). */
  readonly stageMs: Partial<Record<BootstrapStage, number>> = {};
  private bootstrapper: Bootstrapper | null = null;

  constructor(
    private readonly ev: Evaluator,
    private readonly counter: OpCounter,
    readonly params: BootstrapParams,
  ) {
    if (params.packing !== 'full') {
      // a sparse bootstrap refreshes period-n vectors only, which the algorithms' packings are not
      throw new InputError(
        `--refresh bootstrap: preset ${ev.preset.name} bootstraps a sparse packing of ${params.n} slots, not every slot (use a preset with a full-packing bootstrap)`,
      );
    }
    this.outputLevel = params.outputLevel;
  }

  refresh(ct: Ct, level = this.outputLevel): Ct {
    if (!Number.isInteger(level) || level < 0 || level > this.outputLevel) {
      throw new InputError(`refresh: level ${level} is outside 0..${this.outputLevel} (the bootstrap's output level)`);
    }
    if (ct.complex) {
      throw new Error(
        `refresh: ciphertext #${ct.id} may hold imaginary parts, which the bootstrap's real packing drops; take its real part first (twiceRealPart)`,
      );
    }
    const t0 = performance.now();
    this.bootstrapper ??= new Bootstrapper(this.ev, this.params);
    const ev = this.ev;
    const out = ev.scope(() => {
      const b = this.bootstrapper!.bootstrap(ct, this.stageMs);
      return level < b.level ? ev.dropTo(b, level) : b;
    });
    this.counter.note('refresh', 1);
    this.counter.note('refreshMs', performance.now() - t0);
    return out;
  }
}
