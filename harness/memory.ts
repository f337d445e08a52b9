/**
 * The SEAL heap estimate made before a seal cell runs. node-seal's WebAssembly heap grows to at
 * most 4 GiB and never shrinks; past it SEAL throws std::bad_alloc or spins for ever, so a plan
 * that cannot fit is refused here, with what to change, instead of being started.
 *
 * Sizes (measured with node-seal 6.0.3, see README "Failure behaviour"): a ciphertext at level l
 * holds 2 polynomials of N coefficients per remaining prime, 2·N·(l+1)·8 bytes (2.1 MB fresh at
 * N = 16384); a key-switching key (relinearization, or one Galois step) holds one such pair per
 * data prime over the whole chain, dataPrimes·2·N·allPrimes·8 bytes (1.6 MB at N = 8192, 19 MB
 * at 16384, 220 MB at 32768).
 */
import { ciphertextBytes, fallbackSteps, keySwitchKeyBytes, normalizeSteps } from '../algorithms/ckks/base';
import type { Preset } from '../algorithms/ckks/presets';
import { InputError } from '../algorithms/errors';
import type { MatmulAlgorithm, MatmulPlan } from '../algorithms/interface';

/** The most a node-seal heap can hold (wasm32). */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** Context, encoder, secret and public keys and the allocator's slack: measured well under this. */
const BASE_BYTES = 128 * 2 ** 20;

/** The rotation keys a backend makes: declared steps plus (unless `declaredOnly`) signed powers of two. */
export function rotationKeyCount(slots: number, declared: Iterable<number>, declaredOnly: boolean, conjugation: boolean): number {
  const steps = normalizeSteps(
    [...declared, ...fallbackSteps(slots, { rotationKeys: declaredOnly ? 'declared' : 'declared+pow2' })],
    slots,
  );
  return steps.length + (conjugation ? 1 : 0);
}

/** What a run will hold in the SEAL heap at its peak. */
export interface MemoryEstimate {
  bytes: number;
  /** key-switching keys: relinearization + rotations (+ conjugation) */
  keys: number;
  keyBytes: number;
  /** live ciphertexts at the peak of the largest cell, and which cell */
  ciphertexts: number;
  ciphertextBytes: number;
  peakCell: string;
}

/** A matmul cell as the command plans it. */
export interface PlannedCell {
  algo: MatmulAlgorithm;
  plan: MatmulPlan;
}

/**
 * The peak heap of a matmul command: one key set for all its cells (made once), and the cells
 * one after the other (each frees its ciphertexts; the heap keeps its peak size).
 */
export function estimateMatmulMemory(
  preset: Preset,
  cells: readonly PlannedCell[],
  opts: { declaredOnly: boolean; realOnly: boolean },
): MemoryEstimate {
  const steps = cells.flatMap((c) => c.algo.rotationSteps(c.plan));
  const keys = 1 + rotationKeyCount(preset.slots, steps, opts.declaredOnly, !opts.realOnly);
  const ct = ciphertextBytes(preset, preset.levels);
  let ciphertexts = 0;
  let peakCell = '';
  for (const { algo, plan } of cells) {
    const n = algo.peakCiphertexts?.(plan) ?? 0;
    if (n > ciphertexts) {
      ciphertexts = n;
      peakCell = `${algo.id} on ${plan.shape.a}x${plan.shape.b}x${plan.shape.c}`;
    }
  }
  const keyBytes = keys * keySwitchKeyBytes(preset);
  return { bytes: BASE_BYTES + keyBytes + ciphertexts * ct, keys, keyBytes, ciphertexts, ciphertextBytes: ct, peakCell };
}

const MB = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const GiB = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** Throws an InputError saying what to change when the estimate does not fit the SEAL heap. */
export function refuseIfTooBig(preset: Preset, est: MemoryEstimate, what: string): void {
  if (est.bytes <= WASM_HEAP_BYTES) return;
  const room = WASM_HEAP_BYTES - BASE_BYTES - est.keyBytes;
  const fit = Math.max(0, Math.floor(room / est.ciphertextBytes));
  const advice: string[] = [];
  if (est.ciphertexts > fit)
    advice.push(`a smaller shape (at most ${fit} live ciphertexts fit beside the keys; ${est.peakCell} needs ${est.ciphertexts})`);
  if (preset.ringDegree > 8192) advice.push('a smaller preset (n13: 0.4 MB ciphertexts)');
  if (est.keyBytes > WASM_HEAP_BYTES / 4) advice.push('fewer rotation keys (fewer algorithms per run)');
  advice.push('or --backend sim, which has no heap limit');
  throw new InputError(
    `${what}: needs about ${GiB(est.bytes)} of SEAL memory on preset ${preset.name} ` +
      `(${est.ciphertexts} live ciphertexts of ${MB(est.ciphertextBytes)} + ${est.keys} keys of ${MB(est.keyBytes / est.keys)}), ` +
      `more than the ${GiB(WASM_HEAP_BYTES)} WebAssembly heap; use ${advice.join(', ')}`,
  );
}

/**
 * Refuses a seal run whose key set alone cannot fit the heap: the signed power-of-two rotation
 * keys at N = 32768 (about 6 GB) are made whenever a command does not restrict itself to the
 * steps it declares. `what` names the input at fault.
 */
export function refuseIfKeysTooBig(preset: Preset, opts: { declaredOnly: boolean; realOnly: boolean }, what: string): void {
  // a preset SEAL cannot run at all is refused by the backend check, with its own message
  if (!preset.backends.includes('seal')) return;
  const keys = 1 + rotationKeyCount(preset.slots, [], opts.declaredOnly, !opts.realOnly);
  const keyBytes = keys * keySwitchKeyBytes(preset);
  if (BASE_BYTES + keyBytes <= WASM_HEAP_BYTES) return;
  throw new InputError(
    `${what}: its ${keys} key-switching keys (relinearization and the power-of-two rotations) take ${GiB(keyBytes)} on preset ` +
      `${preset.name} (${MB(keyBytes / keys)} each), more than the ${GiB(WASM_HEAP_BYTES)} WebAssembly heap; use a smaller preset (n14) or --backend sim`,
  );
}

/**
 * The bootstrap's keys must all sit in one SEAL heap (4 GiB): relinearization, one Galois key per
 * rotation step and the conjugation, the sparse -> dense key (one key over the chain; the
 * dense -> sparse one is small). Refused before any key is made, with how far over it is.
 */
export function refuseIfBootstrapKeysTooBig(preset: Preset, steps: readonly number[]): void {
  const keys = 1 + rotationKeyCount(preset.slots, steps, true, true) + 1;
  const bytes = keys * keySwitchKeyBytes(preset);
  if (bytes > WASM_HEAP_BYTES) {
    throw new InputError(
      `--preset ${preset.name}: the bootstrap's ${keys} key-switching keys take ${(bytes / 2 ** 30).toFixed(1)} GiB, over the 4 GiB SEAL heap by ${((bytes - WASM_HEAP_BYTES) / 2 ** 30).toFixed(1)} GiB (keys are not sharded over workers yet)`,
    );
  }
}
