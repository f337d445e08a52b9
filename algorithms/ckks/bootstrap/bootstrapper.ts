/**
 * The CKKS bootstrap, written only against the Evaluator interface (types.ts), so the same code
 * runs on sim and seal and counts the same operations:
 *
 *   (dropTo 0) -> (toSparse) -> ModRaise -> (toDense) -> SubSum -> CoeffToSlot -> EvalMod -> SlotToCoeff
 *
 * ModRaise turns the level-0 plaintext m into m + q0*I (I a small integer polynomial of all N
 * coefficients) at the top level; sparse-secret encapsulation (the key switches around it) keeps
 * |I| about 7 so that EvalMod's K = 16 covers it. Two packings:
 * - 'sparse': n complex slots with period n (2n <= the ring's N/2 slots: the message is a
 *   polynomial in Y = X^(N/2n)). SubSum, the sum of the rotations by n, 2n, ..., N/4 (log2(N/2n)
 *   rotations), projects m + q0*I onto that subring (the trace, times N/2n). CoeffToSlot
 *   (coeff-to-slot.ts) puts the 2n real coefficients x = m/q0 + I' side by side, EvalMod
 *   (eval-mod.ts) removes I', SlotToCoeff (slot-to-coeff.ts) returns the n slots.
 * - 'full': every slot, real values (n = N/2; what a refresher of any ciphertext needs; no
 *   SubSum). Real slots make m self-conjugate (m_(N-k) = -m_k), so the first N/2 coefficients
 *   determine it: CoeffToSlot computes only those (the real part of the inverse special FFT, in
 *   bit-reversed order), one EvalMod on N/2 slots clears their I, and SlotToCoeff rebuilds the
 *   real slots as 2 Re(U m') with m'_0 = m_0 / 2 (the other half by symmetry; the imaginary noise
 *   is dropped, as a real part). Factored transforms only (a dense one has N/2 diagonals).
 *
 * Scaling. After the raise the slots are raiseGain * z + raiseUnit * slots(I) (types.ts,
 * BootstrapSupport): about 2^18 at q0/D = 2^10. CoeffToSlot carries the factor
 * 1 / (R * raiseUnit) (R = N/2n from SubSum) that makes its output x = m/q0 + I'. On seal a
 * diagonal holds about log2(D) bits of absolute precision, so such a small factor cannot sit in
 * one plaintext: the factored forms spread it over their levels (2^-7 to 2^-10 each); the dense
 * form is preceded by one mulConst of it (a level; SubSum then rotates one level lower, where a
 * key switch is cheaper). EvalMod scales x by 1/B itself (B = K + 1/2, one level) rather than
 * CoeffToSlot folding it in, as Lattigo does: folded, CoeffToSlot's giant steps and real part
 * would key-switch values 2^4 smaller, whose absolute key-switch noise then costs a bit
 * (measured on sim at n = 32 with 3 double angles: 14.8 bits worst folded, 15.8 not; folded
 * into the dense form's scaling level at boot14-test (scale 2^50): 16.2 against 17.9, and a training
 * step's weights 1.9e-5 from their twin against 1.4e-6). EvalMod's output scale
 * q0/D0 = raiseUnit / raiseGain returns the coefficients of the message.
 *
 * Levels: sparse dense 1 + 1 + EvalMod + 1; factored k1 + EvalMod + k2, EvalMod being
 * ceil(log2(degree + 1)) + double angles + 1 (the presets: K = 16, degree 31, 4 double angles:
 * 10), plus 2 for the arcsine correction (boot14-test: 12). The correction matters for replicated
 * values: a constant vector puts its whole energy in one coefficient, where the sine's cubic error
 * is (2 pi m/q0)^2 / 6 = 6.3e-6 of a value 1 (17.3 bits; random vectors spread it over 2n
 * coefficients), and a training step bootstraps sums and inverses that are nearly constant, so
 * without it the error is a bias that the softmax amplifies (boot14-test, one step: 6.3e-5 from the
 * twin on sim, 7.4e-5 on seal at scale 2^50; with it 1.4e-6 on sim). With the correction the
 * message may take a larger share of q0 (boot14-test: scale 2^52, |m/q0| <= 2^-8): EvalMod's
 * noise, in units of q0, then costs 2 bits less in the message, and the scale's 2 bits more
 * lower the rest (15.2 -> 19.9 bits worst on seal).
 *
 * Parameters are documented literals (`BootstrapLiteral`, as Lattigo's ParametersLiteral)
 * validated into `BootstrapParams` against a preset (presets.ts).
 */
import { InputError, check } from '../../errors';
import type { Preset } from '../presets';
import type { Ct, Evaluator } from '../types';
import { coeffToSlotCt, coeffToSlotFactored, coeffToSlotTransform } from './coeff-to-slot';
import { DEFAULT_GENERATOR } from './embedding';
import { type EvalModParams, evalModCt, evalModDepth } from './eval-mod';
import { type LinearTransform, composeTransforms, fromDiagonals, lintransCt, lintransSteps } from './linear-transform';
import { slotToCoeffCt, slotToCoeffFactored, slotToCoeffTransform } from './slot-to-coeff';
import { butterflyStages, groupStages } from './special-fft';

/** A bootstrap as written in a preset. */
export interface BootstrapLiteral {
  /** 'sparse': n complex slots of period n; 'full': all N/2 slots, real values. */
  readonly packing: 'sparse' | 'full';
  /** Sparse slots n (a power of two, 2n <= N/2); absent for 'full' (n = N/2). */
  readonly slots?: number;
  /** h, the nonzero coefficients of the sparse secret of encapsulation (Lattigo: 32). */
  readonly sparseWeight: number;
  /** CoeffToSlot: 'dense' (sparse only: one level, after a scaling level) or factored in k levels. */
  readonly coeffToSlot: 'dense' | number;
  /** SlotToCoeff: 'dense' (sparse only: one level) or factored in k levels. */
  readonly slotToCoeff: 'dense' | number;
  /**
   * EvalMod's range K (|I| <= K), double angles, Chebyshev degree and arcsine correction (0 or 3:
   * two levels that remove the sine's cubic error; eval-mod.ts).
   */
  readonly evalMod: { readonly K: number; readonly doubleAngles: number; readonly degree: number; readonly arcsine?: 0 | 3 };
  /**
   * Rotation keys: 'declared' (default), one per step the bootstrap performs (one key switch per
   * rotation); 'pow2', only the positive powers of two, log2(N/2) keys, each rotation composed of
   * its binary digits (more key switches, far fewer keys: how the key set fits the 4 GiB heap at
   * N=32768); 'chained' (dense transforms), SubSum's keys and the transforms' rotations from the
   * keys for 1, 2 and n1 only (baby b >= 3 is baby b - 2 rotated by 2, the giant steps Horner's,
   * all by n1: the same rotations for a dense transform, 10 keys fewer at boot14-test, and fewer
   * fix-up conjugations on seal; linear-transform.ts).
   */
  readonly rotationKeys?: 'declared' | 'chained' | 'pow2';
  /**
   * SubSum's keys (sparse, 'declared' keys): 'every' (default), a key per step n, 2n, ..., N/4;
   * 'alternate', keys for n, 4n, 16n, ... only, each other step done as two rotations by its half
   * (one key switch more per such step, half the keys: at boot14-test 4 keys of 100 MB fewer,
   * which a training step's keys and SEAL's memory pool need beside the bootstrap's in one heap).
   */
  readonly subSumKeys?: 'every' | 'alternate';
}

/** A validated bootstrap for one preset. */
export interface BootstrapParams extends BootstrapLiteral {
  /** Slots refreshed: n ('sparse') or N/2 ('full'). */
  readonly n: number;
  /** The ring's slots N/2. */
  readonly ringSlots: number;
  /** The top level, where ModRaise lands. */
  readonly maxLevel: number;
  /** Levels by stage (scale: the mulConst before a dense CoeffToSlot). */
  readonly levels: { readonly scale: number; readonly coeffToSlot: number; readonly evalMod: number; readonly slotToCoeff: number };
  /** Levels one bootstrap consumes from the top. */
  readonly depth: number;
  /** The level of a bootstrapped ciphertext. */
  readonly outputLevel: number;
  /** SubSum's rotation steps: n, 2n, ..., N/4 (none for 'full'). */
  readonly subSumSteps: readonly number[];
}

/** The largest |I| expected with a sparse secret of weight h: 6 standard deviations of a sum of h + 1 uniforms. */
export function overflowBound(h: number): number {
  return 6 * Math.sqrt((h + 1) / 12);
}

/** Validates a literal against a preset (InputError naming the preset at fault). */
export function bootstrapParams(lit: BootstrapLiteral, preset: Pick<Preset, 'name' | 'ringDegree' | 'levels'>): BootstrapParams {
  const at = `preset ${preset.name}: bootstrap`;
  const ringSlots = preset.ringDegree / 2;
  const pow2 = (v: number) => Number.isInteger(v) && v >= 1 && (v & (v - 1)) === 0;
  let n: number;
  if (lit.packing === 'sparse') {
    n = lit.slots ?? 0;
    check(pow2(n) && n >= 2 && 2 * n <= ringSlots, `${at}: sparse slots ${lit.slots} must be a power of two in 2..${ringSlots / 2}`);
  } else {
    check(lit.packing === 'full', `${at}: packing '${String(lit.packing)}' is not 'sparse' or 'full'`);
    check(lit.slots === undefined || lit.slots === ringSlots, `${at}: a full packing refreshes all ${ringSlots} slots`);
    n = ringSlots;
  }
  const h = lit.sparseWeight;
  check(Number.isInteger(h) && h >= 1 && h <= preset.ringDegree, `${at}: sparse secret weight ${h} is outside 1..${preset.ringDegree}`);
  const { K, doubleAngles, degree, arcsine } = lit.evalMod;
  check(Number.isInteger(K) && K >= 1, `${at}: EvalMod K ${K} is not a positive integer`);
  check(Number.isInteger(doubleAngles) && doubleAngles >= 0, `${at}: double angles ${doubleAngles} is not a count`);
  check(Number.isInteger(degree) && degree >= 3, `${at}: EvalMod degree ${degree} is below 3`);
  check(arcsine === undefined || arcsine === 0 || arcsine === 3, `${at}: EvalMod arcsine degree ${String(arcsine)} is not 0 or 3`);
  // without a small I EvalMod's polynomial meets values outside its interval and fails silently
  check(
    overflowBound(h) + 1 <= K,
    `${at}: a secret of weight ${h} gives |I| up to ${overflowBound(h).toFixed(1)}, beyond EvalMod's K = ${K}`,
  );
  const stageLevels = (v: 'dense' | number, what: string): number => {
    if (v === 'dense') {
      check(lit.packing === 'sparse', `${at}: a dense ${what} needs a sparse packing (a full one has ${ringSlots} diagonals)`);
      return 1;
    }
    check(Number.isInteger(v) && v >= 1 && v <= Math.log2(n), `${at}: ${what} in ${v} levels (factored: 1..${Math.log2(n)}, or 'dense')`);
    return v;
  };
  const levels = {
    scale: lit.coeffToSlot === 'dense' ? 1 : 0,
    coeffToSlot: stageLevels(lit.coeffToSlot, 'CoeffToSlot'),
    evalMod: evalModDepth({ K, doubleAngles, degree, outputScale: 1, arcsine }, false),
    slotToCoeff: stageLevels(lit.slotToCoeff, 'SlotToCoeff'),
  };
  const depth = levels.scale + levels.coeffToSlot + levels.evalMod + levels.slotToCoeff;
  check(depth <= preset.levels, `${at}: needs ${depth} levels, the chain has ${preset.levels}`);
  check(
    lit.rotationKeys === undefined || ['declared', 'chained', 'pow2'].includes(lit.rotationKeys),
    `${at}: rotation keys '${String(lit.rotationKeys)}' are not 'declared', 'chained' or 'pow2'`,
  );
  check(
    lit.rotationKeys !== 'chained' || (lit.coeffToSlot === 'dense' && lit.slotToCoeff === 'dense'),
    `${at}: chained rotation keys are for dense transforms (a factored one's sparse giant steps would each cost n1 rotations)`,
  );
  check(
    lit.subSumKeys === undefined || lit.subSumKeys === 'every' || lit.subSumKeys === 'alternate',
    `${at}: SubSum keys '${String(lit.subSumKeys)}' are not 'every' or 'alternate'`,
  );
  const subSumSteps: number[] = [];
  for (let t = n; t < ringSlots; t *= 2) subSumSteps.push(t);
  return { ...lit, n, ringSlots, maxLevel: preset.levels, levels, depth, outputLevel: preset.levels - depth, subSumSteps };
}

/** The probability a bound may be exceeded in one slot (Hoeffding's bound below). */
const BOUND_FAILURE = 2 ** -30;

/**
 * Worst-case absolute error one bootstrap adds to values of size `magnitude`. Per coefficient,
 * EvalMod errs by at most b = 2^(22 - scaleBits) (precision.ts's rule for one operation) in units
 * of q0, i.e. b * q0/D; SlotToCoeff sums the 2n coefficients' errors into each slot. Added
 * linearly (precision.ts's rule) that is 2n * b; the coefficients' errors are independent and
 * centred, so by Hoeffding's inequality the sum also stays below b * sqrt(2 * 2n * ln(2/p)) except
 * with probability p = 2^-30: the bound is the smaller of the two (2n up to n = 16, below it
 * for larger packings). A random-sign sum, sqrt(2n) * b, is not a bound: a worst slot at
 * N = 32768 exceeded it (boot15-sparse: 3.8e-5 against 2.2e-5). Measured below this bound:
 * 15.6-17.3 bits worst at boot14-test (bound 11.8), 14.7-15.9 at boot15-sparse (bound 13.5),
 * 12.5 at boot14-full-test on sim (bound 8.3), 14.2 at boot11-sim (bound 9.8).
 */
export function bootstrapErrorBound(params: BootstrapParams, preset: Pick<Preset, 'scaleBits' | 'chainBits'>, magnitude = 1): number {
  const coefficients = 2 * params.n;
  const sum = Math.min(coefficients, Math.sqrt(2 * coefficients * Math.log(2 / BOUND_FAILURE)));
  return sum * 2 ** (22 - preset.scaleBits) * 2 ** (preset.chainBits[0]! - preset.scaleBits) * Math.max(1, magnitude);
}

/** Names of the stages, in order (timings are keyed by them). */
export const BOOTSTRAP_STAGES = ['modRaise', 'subSum', 'coeffToSlot', 'evalMod', 'slotToCoeff'] as const;
export type BootstrapStage = (typeof BOOTSTRAP_STAGES)[number];

/**
 * A bootstrap bound to one evaluator: the transforms are built once (their scale depends on the
 * evaluator's q0 / D), then `bootstrap` refreshes ciphertexts.
 */
export class Bootstrapper {
  private readonly cts: LinearTransform | LinearTransform[];
  private readonly stc: LinearTransform | LinearTransform[];
  /** sparse packing, real inputs: SlotToCoeff at half scale, whose twice real part is the real slots */
  private stcHalf: LinearTransform | LinearTransform[] | null = null;
  private readonly generator: number;
  private readonly evalMod: EvalModParams;
  /** the mulConst before a dense CoeffToSlot (1: none) */
  private readonly prescale: number;

  constructor(
    readonly ev: Evaluator,
    readonly params: BootstrapParams,
  ) {
    const sup = ev.bootstrapSupport;
    if (!sup.modRaise) throw new InputError(`the ${ev.id} evaluator cannot bootstrap (no ModRaise)`);
    if (!sup.encapsulation) {
      throw new InputError(`the ${ev.id} evaluator has no encapsulation keys (make the session with the bootstrap's keys)`);
    }
    if (sup.sparseWeight !== params.sparseWeight) {
      throw new InputError(`the encapsulation keys are for h = ${sup.sparseWeight}, the bootstrap for h = ${params.sparseWeight}`);
    }
    if (ev.ringSlots !== params.ringSlots || ev.maxLevel !== params.maxLevel) {
      throw new Error(
        `bootstrap parameters for ${params.ringSlots} slots / ${params.maxLevel} levels, evaluator ${ev.ringSlots} / ${ev.maxLevel}`,
      );
    }
    // logical slots (types.ts): their vectors must have the period the bootstrap refreshes
    if (ev.slots !== ev.ringSlots && params.n % ev.slots !== 0) {
      throw new InputError(
        `the bootstrap refreshes vectors of period ${params.n}; the evaluator's ${ev.slots} logical slots are not (use at most ${params.n})`,
      );
    }
    this.evalMod = { ...params.evalMod, outputScale: sup.raiseUnit / sup.raiseGain };
    // CoeffToSlot's factor from the raised coefficients R (G m/D + U I') to x = G/U m/D + I'
    const factor = 1 / ((params.ringSlots / params.n) * sup.raiseUnit);
    this.prescale = params.coeffToSlot === 'dense' ? factor : 1;
    // the evaluator's slot order (5 on sim; -3 on seal: SEAL's powers of 3 with the odd slots conjugated)
    this.generator = sup.slotGenerator ?? DEFAULT_GENERATOR;
    [this.cts, this.stc] = transforms(params, factor, this.generator);
  }

  /**
   * Bootstraps `ct` ('sparse': n complex slots of period n; 'full': real slots, `ct.complex`
   * false) to `params.outputLevel`; `ct` is left as it was. Adds each stage's wall time (ms) to
   * `timings` when given. A real input to a sparse packing comes back real (`complex` false):
   * SlotToCoeff at half scale, then twice its real part (one conjugation, no level), which drops
   * the imaginary part of the bootstrap's error, so later odd rotations need no fix-up. On an
   * evaluator with logical slots the bootstrap works on the ring's slots (`atRingSlots`).
   */
  bootstrap(ct: Ct, timings?: Partial<Record<BootstrapStage, number>>): Ct {
    return this.ev.atRingSlots(() => this.bootstrapRing(ct, timings));
  }

  /** The sparse SlotToCoeff at half scale (the same diagonals, so the same rotation keys), built on first use. */
  private halfSlotToCoeff(): LinearTransform | LinearTransform[] {
    const { params } = this;
    if (!this.stcHalf) {
      this.stcHalf =
        params.slotToCoeff === 'dense'
          ? slotToCoeffTransform(params.n, 0.5, this.generator)
          : slotToCoeffFactored(params.n, params.slotToCoeff, 0.5, this.generator);
    }
    return this.stcHalf;
  }

  private bootstrapRing(ct: Ct, timings?: Partial<Record<BootstrapStage, number>>): Ct {
    const { ev, params } = this;
    if (params.packing === 'full' && ct.complex) {
      throw new Error(
        `bootstrap: ciphertext #${ct.id} may hold imaginary parts, which a full-packing bootstrap drops; take its real part first`,
      );
    }
    const timed = <T>(stage: BootstrapStage, fn: () => T): T => {
      const t0 = performance.now();
      const out = fn();
      if (timings) timings[stage] = (timings[stage] ?? 0) + performance.now() - t0;
      return out;
    };
    return ev.scope(() => {
      let x = timed('modRaise', () => {
        let y = ct.level > 0 ? ev.dropTo(ct, 0) : ct;
        y = ev.switchKey(y, 'toSparse');
        y = ev.modRaise(y);
        return ev.switchKey(y, 'toDense');
      });
      x = timed('subSum', () => {
        let y = this.prescale !== 1 ? ev.mulConst(x, this.prescale) : x;
        for (const t of params.subSumSteps) y = ev.add(y, subSumKeyed(params, t) ? ev.rotate(y, t) : ev.rotate(ev.rotate(y, t / 2), t / 2));
        return y;
      });
      const chained = params.rotationKeys === 'chained';
      x = timed('coeffToSlot', () =>
        params.packing === 'sparse' ? coeffToSlotCt(ev, x, this.cts, chained) : realPartOf(ev, x, this.cts, chained),
      );
      x = timed('evalMod', () => evalModCt(ev, x, this.evalMod, false));
      return timed('slotToCoeff', () => {
        if (params.packing === 'full') return realPartOf(ev, x, this.stc, chained);
        if (ct.complex) return slotToCoeffCt(ev, x, this.stc, chained);
        return realPartOf(ev, x, this.halfSlotToCoeff(), chained);
      });
    });
  }
}

type Transforms = [LinearTransform | LinearTransform[], LinearTransform | LinearTransform[]];

/** CoeffToSlot and SlotToCoeff of a bootstrap, CoeffToSlot's factored form carrying `factor`. */
function transforms(params: BootstrapParams, factor: number, generator = DEFAULT_GENERATOR): Transforms {
  const { n, packing } = params;
  const cts =
    params.coeffToSlot === 'dense'
      ? coeffToSlotTransform(n, 1, generator)
      : packing === 'sparse'
        ? coeffToSlotFactored(n, params.coeffToSlot, factor, generator)
        : fullCoeffToSlot(n, params.coeffToSlot, factor, generator);
  const stc =
    params.slotToCoeff === 'dense'
      ? slotToCoeffTransform(n, 1, generator)
      : packing === 'sparse'
        ? slotToCoeffFactored(n, params.slotToCoeff, 1, generator)
        : fullSlotToCoeff(n, params.slotToCoeff, 1, generator);
  return [cts, stc];
}

/**
 * The distinct rotation steps of a bootstrap, SubSum's and both transforms' (declare them when
 * the key owner makes the keys). The diagonals' positions do not depend on the scale.
 */
export function bootstrapRotationSteps(params: BootstrapParams): number[] {
  const list = (lt: LinearTransform | readonly LinearTransform[]) => ('d' in lt ? [lt] : lt);
  if (params.rotationKeys === 'pow2') {
    const out: number[] = [];
    for (let p = 1; p < params.ringSlots; p *= 2) out.push(p);
    return out;
  }
  const [cts, stc] = transforms(params, 1);
  const steps = new Set<number>(params.subSumSteps.filter((t) => subSumKeyed(params, t)));
  for (const lt of [...list(cts), ...list(stc)]) for (const s of lintransSteps(lt, params.rotationKeys === 'chained')) steps.add(s);
  return [...steps].sort((a, b) => a - b);
}

/** Whether SubSum's step t has a key of its own (`subSumKeys`; otherwise two rotations by t/2, whose key it has). */
function subSumKeyed(params: BootstrapParams, t: number): boolean {
  return params.subSumKeys !== 'alternate' || Math.log2(t / params.n) % 2 === 0;
}

/** 2 Re of the transforms applied in turn (each one level). */
function realPartOf(ev: Evaluator, ct: Ct, lt: LinearTransform | readonly LinearTransform[], chained = false): Ct {
  return ev.scope(() => {
    let x = ct;
    for (const t of 'd' in lt ? [lt] : lt) x = lintransCt(ev, x, t, chained);
    return ev.twiceRealPart(x);
  });
}

/**
 * A dimension-2n transform that maps period-n vectors to period-n vectors, as a dimension-n one:
 * rotating a period-n vector by k or k + n is the same, so the diagonals k and k + n add.
 */
export function foldToPeriod(lt: LinearTransform, n: number): LinearTransform {
  if (lt.d !== 2 * n) throw new Error(`foldToPeriod: dimension ${lt.d}, expected ${2 * n}`);
  const out = new Map<number, { re: Float64Array; im: Float64Array }>();
  for (const [k, dg] of lt.diagonals) {
    const j = k % n;
    let acc = out.get(j);
    if (!acc) {
      acc = { re: new Float64Array(n), im: new Float64Array(n) };
      out.set(j, acc);
    }
    for (let p = 0; p < n; p++) {
      acc.re[p]! += dg.re[p]!;
      acc.im[p]! += dg.im[p]!;
    }
  }
  return fromDiagonals(n, out);
}

/** A slot-wise transform of dimension d. */
function slotwiseN(re: Float64Array, im: Float64Array = new Float64Array(re.length)): LinearTransform {
  return fromDiagonals(re.length, new Map([[0, { re, im }]]));
}

/**
 * Full-packing CoeffToSlot in `levels` transforms of dimension n = N/2: the inverse butterflies
 * (special-fft.ts) give w = U^-1 z (w_k = m_k + i m_(k+n), bit-reversed), the last one followed by
 * a slot-wise 1/2, so that 2 Re(.) (taken by the caller) is scale * m_k for k < n, bit-reversed.
 */
export function fullCoeffToSlot(n: number, levels: number, scale = 1, generator = DEFAULT_GENERATOR): LinearTransform[] {
  const f = scale ** (1 / levels);
  // each stage folded first: the merged groups then never hold 2n-long diagonals
  const groups = groupStages(
    butterflyStages(n, true, generator).map((g) => foldToPeriod(g, n)),
    levels,
  );
  const out = groups.map((g) => composeTransforms(slotwiseN(new Float64Array(n).fill(f)), g));
  out[out.length - 1] = composeTransforms(slotwiseN(new Float64Array(n).fill(0.5)), out[out.length - 1]!);
  return out;
}

/**
 * Full-packing SlotToCoeff in `levels` transforms of dimension n = N/2, from the real
 * coefficients m_k, k < n, bit-reversed: the butterflies give U m' with m'_0 = m_0 / 2, whose
 * 2 Re(.) (taken by the caller) is the real slots z = sum over all N coefficients, the second
 * half being -m_(N-k) by symmetry.
 */
export function fullSlotToCoeff(n: number, levels: number, scale = 1, generator = DEFAULT_GENERATOR): LinearTransform[] {
  const f = scale ** (1 / levels);
  const groups = groupStages(
    butterflyStages(n, false, generator).map((g) => foldToPeriod(g, n)),
    levels,
  ).map((g) => composeTransforms(slotwiseN(new Float64Array(n).fill(f)), g));
  const half = new Float64Array(n).fill(1);
  half[0] = 0.5;
  groups[0] = composeTransforms(groups[0]!, slotwiseN(half));
  return groups;
}
