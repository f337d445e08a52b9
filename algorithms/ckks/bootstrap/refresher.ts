/**
 * The bootstrap refresher: the same interface as the client-aided one (session.ts), but the
 * server refreshes a ciphertext alone, with the bootstrap of bootstrapper.ts and the keys the key
 * owner sent once. Counted like the client-aided one where the two compare (`refresh`, and its wall
 * time in `refreshMs`; no bytes move), and the bootstrap's own operations (ModRaise, key switches,
 * products) by the counting evaluator it runs on. The Bootstrapper (its transforms) is built on
 * the first refresh.
 *
 * A sparse bootstrap (n slots of period n) refreshes the vectors of a session with logical slots
 * dividing n (types.ts; createSession's default for such a preset): the algorithms' whole layout
 * then lives in those slots.
 *
 * The model (`model`, simulator only: the CLI's --refresh bootstrap-model), for accuracy
 * experiments at sizes where running every bootstrap on the simulator is too slow: the first
 * refresh runs the bootstrap and records its op counts (by level) and the standard deviation of
 * its error over the slots; every later one returns the input at the output level with Gaussian
 * noise of that deviation and adds the recorded counts, so records count what the seal run would.
 */
import { InputError } from '../../errors';
import { CountingEvaluator, type OpCounter } from '../counting';
import { SimEvaluator } from '../sim';
import { type Ct, diffCounts, diffLevelCounts, type Evaluator, type LevelCounts, type OpCounts, type Refresher } from '../types';
import { type BootstrapParams, type BootstrapStage, Bootstrapper } from './bootstrapper';

export class BootstrapRefresher implements Refresher {
  readonly kind: 'bootstrap' | 'bootstrap-model';
  readonly minInputLevel = 0;
  readonly outputLevel: number;
  /** Wall time by stage over every refresh so far (ms). */
  readonly stageMs: Partial<Record<BootstrapStage, number>> = {};
  private bootstrapper: Bootstrapper | null = null;
  /** the model's record of the first bootstrap */
  private measured: { counts: OpCounts; levels: LevelCounts; sd: number } | null = null;
  private readonly sim: SimEvaluator | null;

  constructor(
    private readonly ev: Evaluator,
    private readonly counter: OpCounter,
    readonly params: BootstrapParams,
    model = false,
  ) {
    this.kind = model ? 'bootstrap-model' : 'bootstrap';
    const inner = ev instanceof CountingEvaluator ? ev.inner : ev;
    this.sim = inner instanceof SimEvaluator ? inner : null;
    if (model && !this.sim) throw new InputError(`--refresh bootstrap-model: the model runs on the simulator only (backend ${ev.id})`);
    if (params.packing === 'sparse' && params.n % ev.slots !== 0) {
      // a sparse bootstrap refreshes period-n vectors only: the algorithms' vectors must have a period dividing n
      throw new InputError(
        `--refresh bootstrap: preset ${ev.preset.name} bootstraps vectors of period ${params.n}, not the evaluator's ${ev.slots} slots (make the session with at most ${params.n} logical slots)`,
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
    const ev = this.ev;
    let out: Ct;
    if (this.measured) {
      out = this.sim!.modelRefresh(ct, level, this.measured.sd);
      this.counter.merge(this.measured.counts, this.measured.levels);
      // the bootstrap's own first step: its input dropped to level 0
      if (ct.level > 0) this.counter.note('levelMatch', 1, ct.level);
      // as the bootstrap's output brought down to the level asked
      if (level < this.outputLevel) this.counter.note('levelMatch', 1, this.outputLevel);
    } else {
      this.bootstrapper ??= new Bootstrapper(this.ev, this.params);
      const c0 = ev.counts(),
        l0 = ev.levelCounts();
      const input = this.kind === 'bootstrap-model' ? this.sim!.slotsOf(ct).re : null;
      let c1 = c0,
        l1 = l0;
      out = ev.scope(() => {
        const b = this.bootstrapper!.bootstrap(ct, this.stageMs);
        [c1, l1] = [ev.counts(), ev.levelCounts()];
        return level < b.level ? ev.dropTo(b, level) : b;
      });
      if (input) {
        const got = this.sim!.slotsOf(out).re;
        let sq = 0;
        for (let i = 0; i < got.length; i++) sq += (got[i]! - input[i]!) ** 2;
        const counts = diffCounts(c1, c0),
          levels = diffLevelCounts(l1, l0);
        // kept without the drop of this input to level 0, which each later input counts for itself
        if (ct.level > 0) {
          counts.levelMatch -= 1;
          levels.levelMatch![ct.level]! -= 1;
        }
        this.measured = { counts, levels, sd: Math.sqrt(sq / got.length) };
      }
    }
    this.counter.note('refresh', 1);
    this.counter.note('refreshMs', performance.now() - t0);
    return out;
  }
}
