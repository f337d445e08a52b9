/**
 * CKKS parameter presets: plain records validated into parameters. A preset fixes the ring
 * degree, the coefficient-modulus chain (bits per prime; the last one is the special key-
 * switching prime), the scale and so the slots and the number of levels (rescales available
 * to a fresh ciphertext). `sim` can run every preset; `seal` only those SEAL accepts at 128-bit
 * security (SEAL itself re-checks them when the context is made), except presets marked
 * `insecure` (no security claim: the bootstrap's test preset), which every command refuses unless
 * asked explicitly (`--insecure`) and every record marks.
 * A preset may carry a bootstrap (bootstrap/bootstrapper.ts): the refresher `--refresh bootstrap`
 * and `hetal-bench bootstrap` use it, with the same chain, level budget and counts on both backends.
 */
import { InputError, check } from '../errors';
import { type BootstrapLiteral, type BootstrapParams, bootstrapParams } from './bootstrap/bootstrapper';

/** A preset as written: a plain record. */
export interface PresetLiteral {
  /** Preset id (`n13`, `fgb`, or `custom:...`). */
  readonly name: string;
  /** One line for `list` and reports. */
  readonly description: string;
  /** Ring degree N (a power of two); slots = N / 2. */
  readonly ringDegree: number;
  /** Bits of each prime of the coefficient modulus, first to last; the last is the special prime. */
  readonly chainBits: readonly number[];
  /** log2 of the encoding scale. */
  readonly scaleBits: number;
  /** Backends that may run it. */
  readonly backends: readonly ('seal' | 'sim')[];
  /** No security claim (SEAL runs it with security level none): refused unless asked, marked in records. */
  readonly insecure?: boolean;
  /** The bootstrap this chain was laid out for. */
  readonly bootstrap?: BootstrapLiteral;
}

/** A validated preset. */
export interface Preset extends Omit<PresetLiteral, 'bootstrap'> {
  /** The bootstrap, validated against the chain. */
  readonly bootstrap?: BootstrapParams;
  /** Number of complex slots (N / 2). */
  readonly slots: number;
  /** Rescales a fresh ciphertext can take: the data primes minus one. */
  readonly levels: number;
  /** Total coefficient-modulus bits (for the security check). */
  readonly totalBits: number;
}

/**
 * Largest total coefficient-modulus bit count at 128-bit classical security for each ring
 * degree (HomomorphicEncryption.org standard, as SEAL's CoeffModulus::MaxBitCount).
 */
export const MAX_BITS_128: Readonly<Record<number, number>> = {
  1024: 27,
  2048: 54,
  4096: 109,
  8192: 218,
  16384: 438,
  32768: 881,
};

/** EvalMod for sparse-secret encapsulation: K = 16, 4 double angles, degree 31 (eval-mod.ts). */
const EVAL_MOD_16 = { K: 16, doubleAngles: 4, degree: 31 } as const;

const LITERALS: readonly PresetLiteral[] = [
  {
    name: 'n13',
    description: 'SEAL N=8192, chain 60-40-40-60, scale 2^40: 4096 slots, 2 levels',
    ringDegree: 8192,
    chainBits: [60, 40, 40, 60],
    scaleBits: 40,
    backends: ['seal', 'sim'],
  },
  {
    name: 'n14',
    description: 'SEAL N=16384, chain 60-40x7-60, scale 2^40: 8192 slots, 7 levels',
    ringDegree: 16384,
    chainBits: [60, ...Array(7).fill(40), 60],
    scaleBits: 40,
    backends: ['seal', 'sim'],
  },
  {
    name: 'n15',
    description: 'SEAL N=32768, chain 60-40x19-60, scale 2^40: 16384 slots, 19 levels',
    ringDegree: 32768,
    chainBits: [60, ...Array(19).fill(40), 60],
    scaleBits: 40,
    backends: ['seal', 'sim'],
  },
  {
    // HEaaN's FGb parameters as used by the paper: N=2^16, 2^15 slots, 12 multiplicative levels
    // between bootstraps. No SEAL security check applies (HEaaN's own parameter set); sim only.
    name: 'fgb',
    description: "the paper's HEaaN FGb setting: 2^15 slots, 12 levels (sim only)",
    ringDegree: 65536,
    chainBits: [58, ...Array(12).fill(42), 60],
    scaleBits: 42,
    backends: ['sim'],
  },
  // Bootstrap presets: 50-bit primes and scale 2^50 (EvalMod at 2^40 loses 8 bits: eval-mod.ts),
  // q0 of 60 bits so that q0/D = 2^10 keeps |m/q0| <= 2^-10 for |values| <= 1 (the sine's
  // linear range; boot14-test, with the arcsine correction, 2^52 and 2^-8), h = 32 (Lattigo's;
  // max |I| about 7, inside K = 16), EvalMod degree 31 with 4 double angles plus its 1/B scaling
  // (10 levels; 3 double angles leave a 2^-19.5 approximation error per coefficient, which
  // SlotToCoeff's sums amplify: measured 15.8 bits worst at n = 32 against 17.3 with 4;
  // bootstrap/bootstrapper.ts explains the 1/B level).
  {
    // 5 levels left: a training step's deepest stage (P - Y's mask, then DiagATB with complex masks)
    // needs 5 between bootstraps. The bootstrap takes 15: the scaling 1, CoeffToSlot 1, EvalMod 10
    // plus its arcsine correction 2 (eval-mod.ts), SlotToCoeff 1; so 22 primes. The correction
    // removes the sine's cubic bias, which a replicated value (a softmax's sums and inverses) meets
    // in full: at scale 2^50 without it a training step's weights ended 7.4e-5 from their twin, 3
    // bits past one bootstrap's error. With it the message may take 2^-8 of q0 instead of 2^-10, so
    // the scale is 2^52 (52-bit primes): 19.9 bits worst instead of 15.2. Training runs on 32
    // logical slots (createSession's default with --refresh bootstrap: types.ts, the sparse period).
    // Keys in one 4 GiB heap: at 22 primes a key is 121 MB, and the 17 declared rotation keys ran
    // SEAL out of heap in the first bootstrap; chained keys (the transforms' babies from 1 and 2,
    // giant steps by Horner's rule from 8: linear-transform.ts) and SubSum's alternate keys leave 7
    // (1.21 GB with the encapsulation keys), 13 with the training's (1.94 GB). Measured on seal
    // (`hetal-bench bootstrap --samples 2`): 19.9 bits worst, 22.0 mean, 11.5-12.4 s; one training
    // step with 17 bootstraps (scripts/seal-train-bootstrap.ts): see README.
    name: 'boot14-test',
    description:
      'NO SECURITY (bootstrap test): N=16384, chain 60-52x20-60 (1160 bits, 128-bit limit 438), scale 2^52; sparse bootstrap of 32 slots, 5 levels left',
    ringDegree: 16384,
    chainBits: [60, ...Array(20).fill(52), 60],
    scaleBits: 52,
    backends: ['seal', 'sim'],
    insecure: true,
    bootstrap: {
      packing: 'sparse',
      slots: 32,
      sparseWeight: 32,
      coeffToSlot: 'dense',
      slotToCoeff: 'dense',
      evalMod: { ...EVAL_MOD_16, arcsine: 3 },
      rotationKeys: 'chained',
      subSumKeys: 'alternate',
    },
  },
  {
    name: 'boot14-full-test',
    description:
      'NO SECURITY (bootstrap test): N=16384, chain 60-50x19-60 (1070 bits), scale 2^50; bootstrap of all 8192 real slots (factored 2+2 levels), 5 levels left',
    ringDegree: 16384,
    // 5 levels left: the deepest stage of a training step needs 5
    chainBits: [60, ...Array(19).fill(50), 60],
    scaleBits: 50,
    backends: ['seal', 'sim'],
    insecure: true,
    // positive powers of two only: a key per step would be 64 keys of 110 MB (6.6 GiB)
    bootstrap: { packing: 'full', sparseWeight: 32, coeffToSlot: 2, slotToCoeff: 2, evalMod: EVAL_MOD_16, rotationKeys: 'pow2' },
  },
  {
    // boot14-full-test's chain at N=8192, for a training step with bootstraps on seal (issue 16):
    // at N=16384 the bootstrap's keys plus the training's rotation keys do not fit the 4 GiB heap;
    // here a key-switching key is 20 x 2 x 8192 x 21 x 8 bytes = 55 MB (harness/memory.ts): the
    // bootstrap's 12 power-of-two rotations and encapsulation keys are 0.83 GB, with the training's
    // rotations 23 Galois keys. Measured on seal: a bootstrap 12.8 bits worst, 15.1 mean (the
    // simulator: 12.9 and 15.3, the same op counts), 18-24 s; one training step on
    // synthetic:n=40,d=4,c=2 (batch 32) with 35 bootstraps in 7.5 min, its weights within 1.6e-4
    // (12.6 bits) of its float64 twin (scripts/seal-train-bootstrap.ts); `train --refresh bootstrap`
    // the same in 7.2 min with --workers 1 (with the default 2 workers, each loading the keys, the
    // memory watchdog stopped it at 4.4 GiB resident before the first step)
    name: 'boot13-full-test',
    description:
      'NO SECURITY (bootstrap test): N=8192, chain 60-50x19-60 (1070 bits), scale 2^50; bootstrap of all 4096 real slots (factored 2+2 levels), 5 levels left',
    ringDegree: 8192,
    chainBits: [60, ...Array(19).fill(50), 60],
    scaleBits: 50,
    backends: ['seal', 'sim'],
    insecure: true,
    bootstrap: { packing: 'full', sparseWeight: 32, coeffToSlot: 2, slotToCoeff: 2, evalMod: EVAL_MOD_16, rotationKeys: 'pow2' },
  },
  {
    // 881 bits at 128-bit security hold q0, 15 primes of 50 bits and the special prime: the
    // bootstrap takes 14 of the 15 levels, 1 is left (4 left would need 3 primes more: 1020 > 881).
    // Keys: one per rotation step would be 55 keys of 143 MB (7.3 GiB, over the 4 GiB heap); the
    // 14 positive powers of two with relinearization, conjugation and the encapsulation keys are
    // 17 (2.3 GiB). On seal it still does not run: SEAL's memory pool fills the rest of the heap at
    // 15 levels (see boot15-sparse; a seal run spun 40 CPU-minutes without finishing a bootstrap);
    // the simulator runs it (11.8 bits worst, 14.3 mean)
    name: 'boot15',
    description:
      'SEAL N=32768, chain 60-50x15-60 (870 bits, 128-bit), scale 2^50; bootstrap of all 16384 real slots (factored 2+2), 1 level left',
    ringDegree: 32768,
    chainBits: [60, ...Array(15).fill(50), 60],
    scaleBits: 50,
    backends: ['seal', 'sim'],
    bootstrap: { packing: 'full', sparseWeight: 32, coeffToSlot: 2, slotToCoeff: 2, evalMod: EVAL_MOD_16, rotationKeys: 'pow2' },
  },
  {
    // the paper's setting with its bootstrap: HEaaN FGb's 2^15 slots and 12 levels between
    // bootstraps, with this project's bootstrap (14 levels) on top; sim only (SEAL has no N=2^16),
    // for --refresh bootstrap-model at paper scale
    name: 'boot16-sim',
    description:
      "sim only: N=65536, chain 60-50x26-60, scale 2^50: the paper's 2^15 slots and 12 levels between bootstraps (full packing, factored 2+2)",
    ringDegree: 65536,
    chainBits: [60, ...Array(26).fill(50), 60],
    scaleBits: 50,
    backends: ['sim'],
    bootstrap: { packing: 'full', sparseWeight: 32, coeffToSlot: 2, slotToCoeff: 2, evalMod: EVAL_MOD_16, rotationKeys: 'pow2' },
  },
  {
    // N=32768 at 128-bit, measured on seal: what fits one 4 GiB heap. boot15's full packing needs 17
    // key-switching keys of 143 MB with power-of-two rotations (55 with a key per step); a sparse packing of 8 slots needs 17 Galois keys plus
    // the relinearization and toDense keys, but with boot15's 15 levels (2.7 GB of keys) the heap
    // still ran out in EvalMod: SEAL's memory pool keeps the key-switching temporaries of every
    // level it has worked at (about 0.15 GB per level at the top). 14 levels (126 MB keys, 2.4 GB)
    // fit: 1 level left (EvalMod's 10 and the dense transforms' 3). Measured on seal: 14.7-15.9 bits
    // worst, 17.8-18.4 mean, 12-16 s per bootstrap, 2.39 GB of keys (scripts/seal-bootstrap-measure.ts)
    name: 'boot15-sparse',
    description:
      'SEAL N=32768, chain 60-50x14-60 (820 bits, 128-bit), scale 2^50; sparse bootstrap of 8 slots (dense transforms), 1 level left',
    ringDegree: 32768,
    chainBits: [60, ...Array(14).fill(50), 60],
    scaleBits: 50,
    backends: ['seal', 'sim'],
    bootstrap: { packing: 'sparse', slots: 8, sparseWeight: 32, coeffToSlot: 'dense', slotToCoeff: 'dense', evalMod: EVAL_MOD_16 },
  },
  {
    // the simulator's small bootstrap preset (tests, `train --refresh bootstrap` on synthetic data)
    name: 'boot11-sim',
    description:
      'sim only, NO SECURITY: N=2048, chain 60-50x19-60, scale 2^50; bootstrap of all 1024 real slots (factored 2+2), 5 levels left',
    ringDegree: 2048,
    chainBits: [60, ...Array(19).fill(50), 60],
    scaleBits: 50,
    backends: ['sim'],
    insecure: true,
    bootstrap: { packing: 'full', sparseWeight: 32, coeffToSlot: 2, slotToCoeff: 2, evalMod: EVAL_MOD_16 },
  },
];

/** Validates a literal: power-of-two degree, prime sizes SEAL supports, scale below the primes,
 * and 128-bit security for presets SEAL must run. */
export function validatePreset(lit: PresetLiteral): Preset {
  const { name, ringDegree: n, chainBits, scaleBits } = lit;
  check(Number.isInteger(n) && n >= 1024 && (n & (n - 1)) === 0, `preset ${name}: ring degree ${n} is not a power of two >= 1024`);
  check(chainBits.length >= 2, `preset ${name}: the chain needs at least one data prime and the special prime`);
  for (const b of chainBits) {
    check(Number.isInteger(b) && b >= 20 && b <= 60, `preset ${name}: prime size ${b} bits is outside SEAL's 20..60`);
  }
  check(Number.isFinite(scaleBits) && scaleBits >= 10 && scaleBits < 60, `preset ${name}: scale 2^${scaleBits} is outside 2^10..2^59`);
  const totalBits = chainBits.reduce((s, b) => s + b, 0);
  if (lit.backends.includes('seal') && !lit.insecure) {
    const max = MAX_BITS_128[n];
    if (max === undefined) throw new InputError(`preset ${name}: ring degree ${n} has no 128-bit security bound in SEAL`);
    check(
      totalBits <= max,
      `preset ${name}: insecure chain: ${totalBits} modulus bits exceed ${max}, the 128-bit security limit for N=${n}`,
    );
  }
  if (lit.backends.includes('seal')) {
    const middle = chainBits.slice(1, -1);
    check(
      middle.every((b) => b >= scaleBits),
      `preset ${name}: the rescaling primes (${middle.join(',')} bits) must be at least the scale (${scaleBits} bits)`,
    );
  }
  check(
    chainBits[0]! > scaleBits,
    `preset ${name}: the first prime (${chainBits[0]} bits) must exceed the scale (${scaleBits} bits) to hold a value`,
  );
  const { bootstrap, ...rest } = lit;
  const levels = chainBits.length - 2;
  return {
    ...rest,
    slots: n / 2,
    levels,
    totalBits,
    ...(bootstrap ? { bootstrap: bootstrapParams(bootstrap, { name, ringDegree: n, levels }) } : {}),
  };
}

/** All named presets, validated. */
export function listPresets(): Preset[] {
  return LITERALS.map(validatePreset);
}

/**
 * Resolves a preset id: a named one, or `custom:N=8192:chain=60-40-40-60:scale=40` (runs on both
 * backends if it is secure). Unknown or malformed ids throw an InputError naming them.
 */
export function resolvePreset(id: string): Preset {
  const named = LITERALS.find((p) => p.name === id);
  if (named) return validatePreset(named);
  if (id.startsWith('custom:')) return validatePreset(parseCustom(id));
  throw new InputError(`unknown preset '${id}' (known: ${LITERALS.map((p) => p.name).join(', ')}, or custom:N=..:chain=..-..:scale=..)`);
}

function parseCustom(id: string): PresetLiteral {
  const fields = new Map<string, string>();
  for (const part of id.slice('custom:'.length).split(':')) {
    const eq = part.indexOf('=');
    check(eq > 0, `preset ${id}: '${part}' is not key=value`);
    fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  for (const k of fields.keys()) check(['N', 'chain', 'scale'].includes(k), `preset ${id}: unknown field '${k}' (N, chain, scale)`);
  const n = Number(fields.get('N'));
  const chain = (fields.get('chain') ?? '').split('-').map(Number);
  const scale = Number(fields.get('scale') ?? 40);
  check(fields.has('N') && Number.isFinite(n), `preset ${id}: N is missing or not a number`);
  check(chain.length > 0 && chain.every(Number.isFinite), `preset ${id}: chain must be prime sizes joined by '-'`);
  return {
    name: id,
    description: `custom N=${n}, chain ${chain.join('-')}, scale 2^${scale}`,
    ringDegree: n,
    chainBits: chain,
    scaleBits: scale,
    backends: ['seal', 'sim'],
  };
}

/**
 * The default preset of a backend, the one rule of every command: n14 on seal (the largest
 * SEAL setting whose power-of-two keys fit the heap), the paper's fgb on the simulator, none
 * for the float64 `plain` backend.
 */
export function defaultPreset(backend: string): string {
  if (backend === 'plain') return 'none';
  return backend === 'seal' ? 'n14' : 'fgb';
}

/** Refuses a preset that may not run on a backend (the one compatibility check). */
export function checkPresetBackend(preset: Preset, backend: string): void {
  if (!(preset.backends as readonly string[]).includes(backend)) {
    throw new InputError(`--preset ${preset.name} cannot run on backend ${backend} (it runs on: ${preset.backends.join(', ')})`);
  }
}

/** Refuses a preset without a security claim unless asked explicitly (the CLI's `--insecure`). */
export function checkInsecure(preset: Preset, allowed: boolean | undefined): void {
  if (preset.insecure && !allowed) {
    throw new InputError(
      `--preset ${preset.name} has no security claim (N=${preset.ringDegree} with ${preset.totalBits} modulus bits); pass --insecure to run it anyway`,
    );
  }
}

/** The preset a command runs: the one given, or the backend's default; resolved and checked. */
export function presetFor(backend: string, given?: string, options: { insecure?: boolean } = {}): Preset {
  const p = resolvePreset(given ?? defaultPreset(backend));
  checkPresetBackend(p, backend);
  checkInsecure(p, options.insecure);
  return p;
}
