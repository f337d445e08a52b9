/**
 * The SEAL-level primitives of a CKKS bootstrap on node-seal 6.0.3, which has none: ModRaise and
 * sparse-secret encapsulation, built from SEAL's public API plus crafted serialized objects.
 *
 * - ModRaise (`ModRaiser`, server side): a level-0 ciphertext (c0, c1) mod q0 is taken out of NTT
 *   form (`cipherTransformFromNtt`), each coefficient is centre-lifted to (-q0/2, q0/2] and written
 *   mod every prime of the top level into a top-level ciphertext in coefficient form, which is
 *   loaded and put back in NTT form. Exact: its decryption is the level-0 one plus q0·I for an
 *   integer polynomial I = round((c0 + c1·s) / q0), small when the secret s is (|I| <= (1 + ||s||_1)/2).
 * - The sparse secret (`sparseTernary`, `secretKeyBytes`): h nonzero coefficients +-1, written in
 *   SEAL's NTT form (`nttOfSmall`) into a serialized SecretKey, which `KeyGenerator(context, sk)`
 *   accepts. node-seal's own secrets are dense ternary.
 * - Key switches by crafted relinearization keys (`switchingKeyBytes`, `switchKeyNative`): SEAL's
 *   relinearization key for s is, for each prime q_i of the decomposition, an encryption of zero
 *   under s plus P·s^2 (P the special prime) in the i-th RNS component. Adding P·(s_from - s^2)
 *   there makes it a key from s_from to s, and relinearizing the size-3 ciphertext (c0, 0, c1)
 *   gives (c0 + ks0(c1), ks1(c1)), which decrypts under s to c0 + c1·s_from: a key switch.
 *   Encapsulation (as Lattigo and OpenFHE do): dense -> sparse at level 0 before ModRaise, in a
 *   small context [q0 | P] (parameters that share the main chain's parms_id at level 0, so the
 *   ciphertext moves unchanged, and a key of 2 primes), then sparse -> dense at the top after it.
 *   With h = 32, |I| <= 16.5 always, and about 7-10 in practice, against about 80-130 with SEAL's
 *   dense secret: EvalMod's range K = 16 (bootstrap/eval-mod.ts).
 *
 * Byte layouts (SEAL 4.1, compression `none`; every reader checks the fields it relies on):
 * - Ciphertext: bytes 0-15 SEAL header (byte 5 compression, 8-15 total size), 16-47 parms_id,
 *   48 is_ntt_form, 49-56 size, 57-64 N, 65-72 primes L, 73-80 scale, 81-88 correction factor,
 *   89-112 the data array's header (97-104 its byte size, 105-112 its element count), from 113
 *   size·L·N uint64 residues, polynomial by polynomial, prime by prime.
 * - Plaintext and SecretKey: 16-47 parms_id, 48-55 coeff count, 56-63 scale, from 88 the residues
 *   (a secret key: at the key level, the special prime last, in NTT form).
 * - RelinKeys: 16-47 parms_id, 48-55 count of key vectors (1), 56-63 the vector's length (the
 *   decomposition primes), from 64 one public key per decomposition prime, each a SEAL header
 *   followed by a ciphertext's members (from byte 89 of it its data array, data from 113).
 *
 * SEAL's NTT form of a polynomial a mod q holds a(psi^(2·rev(i)+1)) at index i (psi the smallest
 * primitive 2N-th root of unity mod q, rev the bit reversal over log2 N bits); `checkNttOrder`
 * proves it against SEAL's inverse NTT before any crafted key is made.
 */
import { randomInt } from 'node:crypto';
import type { CipherText } from 'node-seal/implementation/cipher-text';
import type { Context } from 'node-seal/implementation/context';
import type { Evaluator as NativeEvaluator } from 'node-seal/implementation/evaluator';
import type { ParmsIdType } from 'node-seal/implementation/parms-id-type';
import type { PlainText } from 'node-seal/implementation/plain-text';
import type { RelinKeys } from 'node-seal/implementation/relin-keys';
import type { SEALLibrary } from 'node-seal/implementation/seal';
import type { SecurityLevel } from 'node-seal/implementation/security-level';
import { minimalPrimitiveRoot } from './seal-complex';
import type { BootstrapKeys } from './types';

/** Offsets in an uncompressed SEAL ciphertext. */
export const CT = {
  totalSize: 8,
  parmsId: 16,
  ntt: 48,
  size: 49,
  degree: 57,
  primes: 65,
  scale: 73,
  arrayBytes: 97,
  arrayCount: 105,
  data: 113,
};
/** Bytes before the residues of an uncompressed plaintext or secret key. */
export const PLAIN_DATA = 88;
/** Offset of the first public key in uncompressed RelinKeys, and of a key's residues within it. */
const KSK_FIRST = 64;
const KSK_DATA = 113;
const SEAL_MAGIC = 0xa15e;

/** The nonzero count of the encapsulation secret (Lattigo's and OpenFHE's 32). */
export const SPARSE_HAMMING_WEIGHT = 32;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The header fields of an uncompressed ciphertext, checked against its length. */
export function ciphertextLayout(bytes: Uint8Array): { size: number; degree: number; primes: number; ntt: boolean } {
  const v = view(bytes);
  if (bytes.length < CT.data || v.getUint16(0, true) !== SEAL_MAGIC || bytes[5] !== 0) {
    throw new Error('seal-bootstrap: not an uncompressed SEAL ciphertext');
  }
  const size = Number(v.getBigUint64(CT.size, true));
  const degree = Number(v.getBigUint64(CT.degree, true));
  const primes = Number(v.getBigUint64(CT.primes, true));
  const count = size * degree * primes;
  if (
    Number(v.getBigUint64(CT.totalSize, true)) !== bytes.length ||
    Number(v.getBigUint64(CT.arrayCount, true)) !== count ||
    bytes.length !== CT.data + 8 * count
  ) {
    throw new Error(`seal-bootstrap: unexpected ciphertext layout (${bytes.length} bytes, size ${size}, N ${degree}, ${primes} primes)`);
  }
  return { size, degree, primes, ntt: bytes[CT.ntt] === 1 };
}

/**
 * Uncompressed ciphertext bytes: `header`'s SEAL header and fields (scale, correction factor) with
 * `size` polynomials of `primes` primes holding `data` (N = data.length / (size * primes)), the
 * parms_id `parmsId` (or the header's) and the NTT flag `ntt`.
 */
export function ciphertextBytes(
  header: Uint8Array,
  parmsId: ParmsIdType | null,
  size: number,
  primes: number,
  data: BigUint64Array,
  ntt: boolean,
): Uint8Array {
  const degree = data.length / (size * primes);
  if (!Number.isInteger(degree)) throw new Error('seal-bootstrap: ciphertext data of the wrong length');
  const out = new Uint8Array(CT.data + 8 * data.length);
  out.set(header.subarray(0, CT.data));
  const v = view(out);
  v.setBigUint64(CT.totalSize, BigInt(out.length), true);
  if (parmsId) parmsId.values.forEach((w, i) => v.setBigUint64(CT.parmsId + 8 * i, w, true));
  out[CT.ntt] = ntt ? 1 : 0;
  v.setBigUint64(CT.size, BigInt(size), true);
  v.setBigUint64(CT.degree, BigInt(degree), true);
  v.setBigUint64(CT.primes, BigInt(primes), true);
  v.setBigUint64(CT.arrayBytes, BigInt(24 + 8 * data.length), true);
  v.setBigUint64(CT.arrayCount, BigInt(data.length), true);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), CT.data);
  return out;
}

/** The first 113 bytes of a ciphertext as SEAL writes them (from a size-2 ciphertext with the fields `ciphertextBytes` sets), scale 1. */
export function ciphertextHeader(seal: SEALLibrary): Uint8Array {
  const empty = seal.CipherText();
  try {
    const bytes = empty.saveArray(seal.ComprModeType.none);
    if (bytes.length !== CT.data || view(bytes).getUint16(0, true) !== SEAL_MAGIC) {
      throw new Error(`seal-bootstrap: an empty ciphertext saves as ${bytes.length} bytes, not ${CT.data}`);
    }
    const out = bytes.slice();
    view(out).setFloat64(CT.scale, 1, true);
    return out;
  } finally {
    empty.delete();
  }
}

/** The residues of an uncompressed ciphertext (an aligned copy). */
export function ciphertextData(bytes: Uint8Array): BigUint64Array {
  ciphertextLayout(bytes);
  return new BigUint64Array(bytes.slice(CT.data).buffer);
}

/** Bit reversal of i over `bits` bits. */
function reverseBits(i: number, bits: number): number {
  let r = 0;
  for (let b = 0; b < bits; b++) r = (r << 1) | ((i >>> b) & 1);
  return r;
}

const LIMB = 2 ** 30;
const LIMB_BIG = BigInt(LIMB);

/**
 * SEAL's NTT form of a polynomial with small integer coefficients (most of them zero), mod each
 * prime: index i of prime j holds sum_k a_k psi_j^((2 rev(i) + 1) k) mod q_j. Cost N·(nonzeros)
 * per prime, in float64 limbs (one BigInt reduction per value). Returns primes·N residues.
 */
export function nttOfSmall(coeffs: Int8Array, primes: readonly bigint[]): BigUint64Array {
  const n = coeffs.length;
  const bits = Math.log2(n);
  if (!Number.isInteger(bits)) throw new Error(`nttOfSmall: ${n} coefficients is not a power of two`);
  const nonzero: number[] = [];
  for (let k = 0; k < n; k++) if (coeffs[k] !== 0) nonzero.push(k);
  const out = new BigUint64Array(primes.length * n);
  const hi = new Float64Array(2 * n),
    lo = new Float64Array(2 * n);
  primes.forEach((q, j) => {
    const psi = minimalPrimitiveRoot(q, 2 * n);
    // psi^e for e < 2N, in 30-bit limbs
    let p = 1n;
    for (let e = 0; e < 2 * n; e++) {
      hi[e] = Number(p / LIMB_BIG);
      lo[e] = Number(p % LIMB_BIG);
      p = (p * psi) % q;
    }
    for (let i = 0; i < n; i++) {
      const x = 2 * reverseBits(i, bits) + 1;
      let sh = 0,
        sl = 0;
      for (const k of nonzero) {
        const e = (x * k) % (2 * n);
        const c = coeffs[k]!;
        sh += c * hi[e]!;
        sl += c * lo[e]!;
      }
      let v = (BigInt(sh) * LIMB_BIG + BigInt(sl)) % q;
      if (v < 0n) v += q;
      out[j * n + i] = v;
    }
  });
  return out;
}

/** A ternary secret with exactly h coefficients +-1 at distinct random positions (crypto randomness). */
export function sparseTernary(n: number, h = SPARSE_HAMMING_WEIGHT): Int8Array {
  if (!(h >= 1 && h <= n)) throw new Error(`sparseTernary: weight ${h} for ${n} coefficients`);
  const s = new Int8Array(n);
  let placed = 0;
  while (placed < h) {
    const k = randomInt(n);
    if (s[k] !== 0) continue;
    s[k] = randomInt(2) === 0 ? 1 : -1;
    placed++;
  }
  return s;
}

/** The residues of an uncompressed secret key (key level: the special prime last), checked against `primes`. */
export function secretKeyData(bytes: Uint8Array, degree: number, primes: number): BigUint64Array {
  const v = view(bytes);
  if (v.getUint16(0, true) !== SEAL_MAGIC || bytes[5] !== 0 || Number(v.getBigUint64(48, true)) !== degree * primes) {
    throw new Error('seal-bootstrap: not an uncompressed secret key of the expected size');
  }
  if (bytes.length !== PLAIN_DATA + 8 * degree * primes) throw new Error('seal-bootstrap: unexpected secret key layout');
  return new BigUint64Array(bytes.slice(PLAIN_DATA).buffer);
}

/** A serialized secret key: `template`'s header (a key of the same context) with the residues `ntt`. */
export function secretKeyBytes(template: Uint8Array, ntt: BigUint64Array): Uint8Array {
  if (template.length !== PLAIN_DATA + 8 * ntt.length) throw new Error('seal-bootstrap: secret key template of another size');
  const out = template.slice();
  out.set(new Uint8Array(ntt.buffer, ntt.byteOffset, ntt.byteLength), PLAIN_DATA);
  return out;
}

/** a·b mod q for residues below 2^60. */
function mulMod(a: bigint, b: bigint, q: bigint): bigint {
  return (a * b) % q;
}

/**
 * A serialized key switch from s_from to s_to, crafted from `template`, the uncompressed
 * RelinKeys of s_to (its KeyGenerator's createRelinKeys: per decomposition prime q_i an encryption
 * of zero under s_to plus P·s_to^2 in component i): P·(s_from - s_to^2) added to component i of
 * key i's first polynomial. `keyPrimes` are the context's key-level primes (special prime last);
 * `from` and `to` the NTT residues of the two secrets at that level.
 */
export function switchingKeyBytes(
  template: Uint8Array,
  keyPrimes: readonly bigint[],
  degree: number,
  from: BigUint64Array,
  to: BigUint64Array,
): Uint8Array {
  const k = keyPrimes.length;
  const special = keyPrimes[k - 1]!;
  const out = template.slice();
  const v = view(out);
  const decomposition = k - 1;
  const keyBytes = KSK_DATA + 16 * k * degree;
  if (
    v.getUint16(0, true) !== SEAL_MAGIC ||
    out[5] !== 0 ||
    v.getBigUint64(48, true) !== 1n ||
    Number(v.getBigUint64(56, true)) !== decomposition ||
    out.length !== KSK_FIRST + decomposition * keyBytes
  ) {
    throw new Error(`seal-bootstrap: unexpected relinearization key layout (${out.length} bytes for ${k} primes, N=${degree})`);
  }
  for (let i = 0; i < decomposition; i++) {
    const at = KSK_FIRST + i * keyBytes;
    if (v.getUint16(at, true) !== SEAL_MAGIC || Number(v.getBigUint64(at + 16 + CT.primes - 16, true)) !== k) {
      throw new Error(`seal-bootstrap: key ${i} of the relinearization keys is not where expected`);
    }
    const q = keyPrimes[i]!;
    const factor = special % q;
    const base = at + KSK_DATA + 8 * i * degree; // first polynomial, component i
    for (let c = 0; c < degree; c++) {
      const t = to[i * degree + c]!;
      let delta = (from[i * degree + c]! - mulMod(t, t, q)) % q;
      if (delta < 0n) delta += q;
      const cur = v.getBigUint64(base + 8 * c, true);
      v.setBigUint64(base + 8 * c, (cur + mulMod(factor, delta, q)) % q, true);
    }
  }
  return out;
}

/** Picks the residues of `primes` (indices into the key level's primes) from key-level NTT residues. */
export function residuesOf(ntt: BigUint64Array, degree: number, indices: readonly number[]): BigUint64Array {
  const out = new BigUint64Array(indices.length * degree);
  indices.forEach((j, t) => out.set(ntt.subarray(j * degree, (j + 1) * degree), t * degree));
  return out;
}

/**
 * A context of the ring degree with exactly these primes (the last the special prime). A prefix
 * of the main chain plus its special prime gives the main chain's parms_id on those levels.
 */
export function contextOfPrimes(seal: SEALLibrary, degree: number, primes: readonly bigint[], security: SecurityLevel): Context {
  const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
  const moduli = primes.map((p) => seal.Modulus(p));
  const vec = seal.Vector();
  try {
    parms.setPolyModulusDegree(degree);
    vec.from(moduli.map((m) => m.instance) as unknown as BigUint64Array, 'Modulus');
    parms.setCoeffModulus(vec);
    const ctx = seal.Context(parms, true, security);
    if (!ctx.parametersSet()) {
      ctx.delete();
      throw new Error(`seal-bootstrap: SEAL refuses a context of ${primes.length} primes at N=${degree}`);
    }
    return ctx;
  } finally {
    vec.delete();
    for (const m of moduli) m.delete();
    parms.delete();
  }
}

/**
 * Proves the NTT order `nttOfSmall` assumes on this SEAL build: a known sparse polynomial's
 * residues on the data primes of `parmsId`'s level, written as c0 of a ciphertext in NTT form and
 * taken out of it by SEAL, must come back as its coefficients. Throws if not.
 */
export function checkNttOrder(
  seal: SEALLibrary,
  context: Context,
  evaluator: NativeEvaluator,
  degree: number,
  parmsId: ParmsIdType,
  primes: readonly bigint[],
): void {
  const header = ciphertextHeader(seal);
  const a = new Int8Array(degree);
  for (let k = 0; k < degree; k += Math.max(1, degree >>> 5) + 1) a[k] = k % 3 === 0 ? -1 : 1;
  a[degree - 1] = 1;
  const ntt = nttOfSmall(a, primes);
  // c1 = 1 (all ones in NTT form): SEAL refuses to operate on a transparent ciphertext (c1 = 0)
  const data = new BigUint64Array(2 * primes.length * degree).fill(1n);
  data.set(ntt);
  const ct = seal.CipherText();
  try {
    ct.loadArray(context, ciphertextBytes(header, parmsId, 2, primes.length, data, true));
    evaluator.cipherTransformFromNtt(ct, ct);
    const back = ciphertextData(ct.saveArray(seal.ComprModeType.none));
    primes.forEach((q, j) => {
      for (let k = 0; k < degree; k++) {
        const want = a[k]! < 0 ? q - 1n : BigInt(a[k]!);
        if (back[j * degree + k] !== want) {
          throw new Error(`seal-bootstrap: this SEAL build's NTT order differs from the one assumed (prime ${j}, coefficient ${k})`);
        }
      }
    });
  } finally {
    ct.delete();
  }
}

/**
 * ModRaise on the server: a level-0 ciphertext to the top level, exactly (decryption: the level-0
 * plaintext plus q0·I). Holds only public data: the top level's parms_id and primes.
 */
export class ModRaiser {
  private readonly q0: bigint;
  constructor(
    private readonly seal: SEALLibrary,
    private readonly context: Context,
    private readonly evaluator: NativeEvaluator,
    private readonly topParmsId: ParmsIdType,
    /** the data primes of the top level, q0 first */
    private readonly topPrimes: readonly bigint[],
  ) {
    this.q0 = topPrimes[0]!;
  }

  /** A new top-level ciphertext (NTT form, the input's scale); `ct` is left as it was. */
  raise(ct: CipherText): CipherText {
    if (ct.coeffModulusSize !== 1) throw new Error(`modRaise: the ciphertext has ${ct.coeffModulusSize} primes, not one (level 0)`);
    const coeff = this.seal.CipherText();
    let bytes: Uint8Array;
    try {
      this.evaluator.cipherTransformFromNtt(ct, coeff);
      bytes = coeff.saveArray(this.seal.ComprModeType.none);
    } finally {
      coeff.delete();
    }
    const { size, degree } = ciphertextLayout(bytes);
    if (size !== 2) throw new Error(`modRaise: a ciphertext of size ${size} (relinearize first)`);
    const src = ciphertextData(bytes);
    const L = this.topPrimes.length;
    const out = new BigUint64Array(2 * L * degree);
    const q0 = this.q0;
    const half = q0 >> 1n;
    for (let p = 0; p < 2; p++) {
      for (let i = 0; i < degree; i++) {
        const c = src[p * degree + i]!;
        // centre-lift to (-q0/2, q0/2], then reduce mod each prime
        const neg = c > half;
        const mag = neg ? q0 - c : c;
        for (let j = 0; j < L; j++) {
          const q = this.topPrimes[j]!;
          const r = mag % q;
          out[(p * L + j) * degree + i] = neg && r !== 0n ? q - r : r;
        }
      }
    }
    const raised = this.seal.CipherText();
    try {
      raised.loadArray(this.context, ciphertextBytes(bytes, this.topParmsId, 2, L, out, false));
      this.evaluator.cipherTransformToNtt(raised, raised);
    } catch (err) {
      raised.delete();
      throw err;
    }
    return raised;
  }
}

/**
 * A key switch by crafted relinearization keys: (c0, c1) -> relinearize((c0, 0, c1)), in
 * `context` (whose key level the keys belong to; the ciphertext's parms_id must be one of its
 * data levels). Returns a new ciphertext; `ct` is left as it was.
 */
export function switchKeyNative(
  seal: SEALLibrary,
  context: Context,
  evaluator: NativeEvaluator,
  keys: RelinKeys,
  ct: CipherText,
): CipherText {
  const bytes = ct.saveArray(seal.ComprModeType.none);
  const { size, degree, primes } = ciphertextLayout(bytes);
  if (size !== 2) throw new Error(`switchKey: a ciphertext of size ${size} (relinearize first)`);
  const src = ciphertextData(bytes);
  const data = new BigUint64Array(3 * primes * degree);
  data.set(src.subarray(0, primes * degree));
  data.set(src.subarray(primes * degree), 2 * primes * degree);
  const three = seal.CipherText();
  try {
    three.loadArray(context, ciphertextBytes(bytes, null, 3, primes, data, true));
    evaluator.relinearize(three, keys, three);
    return three;
  } catch (err) {
    three.delete();
    throw err;
  }
}

/**
 * The encapsulation's two key switches as the key owner hands them over (no secret): toSparse,
 * RelinKeys of the context [q0 | P] (applied at level 0); toDense, RelinKeys of the main context.
 */
export type EncapsulationKeyBytes = BootstrapKeys;

/** The public facts of a main context the encapsulation needs. */
export interface ChainFacts {
  readonly degree: number;
  /** key-level primes: the data primes in chain order, the special prime last */
  readonly keyPrimes: readonly bigint[];
  readonly security: SecurityLevel;
}

/** Reads the key-level primes of a context. */
export function chainFacts(context: Context, security: SecurityLevel): ChainFacts {
  const parms = context.keyContextData.parms;
  return { degree: parms.polyModulusDegree, keyPrimes: [...parms.coeffModulus], security };
}

/** The primes of the small context [q0 | P] of the dense -> sparse switch. */
function bottomPrimes(facts: ChainFacts): bigint[] {
  return [facts.keyPrimes[0]!, facts.keyPrimes[facts.keyPrimes.length - 1]!];
}

/**
 * Key owner side: a fresh sparse secret (h nonzero +-1 coefficients) and the two switching keys
 * between it and the owner's dense secret, serialized. `keygen` is the owner's KeyGenerator (its
 * relinearization keys are the template of the sparse -> dense key), `secretKey` its secret key
 * bytes (uncompressed). Also returns the sparse secret's coefficients, which the owner keeps.
 */
export function makeEncapsulationKeys(
  seal: SEALLibrary,
  context: Context,
  facts: ChainFacts,
  denseSecretKey: Uint8Array,
  denseRelinKeys: Uint8Array,
  hammingWeight = SPARSE_HAMMING_WEIGHT,
): { bytes: EncapsulationKeyBytes; sparse: Int8Array } {
  const { degree, keyPrimes } = facts;
  const k = keyPrimes.length;
  const dense = secretKeyData(denseSecretKey, degree, k);
  const evaluator = seal.Evaluator(context);
  try {
    // the NTT order is proven on this build before anything is crafted with it
    checkNttOrder(seal, context, evaluator, degree, context.firstParmsId, keyPrimes.slice(0, k - 1));
  } finally {
    evaluator.delete();
  }
  const sparse = sparseTernary(degree, hammingWeight);
  const sparseNtt = nttOfSmall(sparse, keyPrimes);
  const toDense = switchingKeyBytes(denseRelinKeys, keyPrimes, degree, sparseNtt, dense);

  const small = contextOfPrimes(seal, degree, bottomPrimes(facts), facts.security);
  const made: { delete: () => void }[] = [small];
  try {
    const at = [0, k - 1];
    const templateGen = seal.KeyGenerator(small);
    made.push(templateGen);
    const templateKey = templateGen.secretKey();
    made.push(templateKey);
    const sparseSmall = residuesOf(sparseNtt, degree, at);
    const sk = seal.SecretKey();
    made.push(sk);
    sk.loadArray(small, secretKeyBytes(templateKey.saveArray(seal.ComprModeType.none), sparseSmall));
    const gen = seal.KeyGenerator(small, sk);
    made.push(gen);
    const relin = gen.createRelinKeys();
    made.push(relin);
    const toSparse = switchingKeyBytes(
      relin.saveArray(seal.ComprModeType.none),
      bottomPrimes(facts),
      degree,
      residuesOf(dense, degree, at),
      sparseSmall,
    );
    return { bytes: { sparseWeight: hammingWeight, toSparse, toDense }, sparse };
  } finally {
    for (const o of made.reverse()) o.delete();
  }
}

/**
 * A serialized secret key of the main context holding these small coefficients (the key owner's
 * sparse secret, for decryption in tests and diagnostics). `template`: any uncompressed secret
 * key of that context.
 */
export function secretKeyOfCoefficients(template: Uint8Array, coeffs: Int8Array, keyPrimes: readonly bigint[]): Uint8Array {
  return secretKeyBytes(template, nttOfSmall(coeffs, keyPrimes));
}

/**
 * Server side: the encapsulation's key switches from the key owner's bytes. Holds the small
 * context [q0 | P] with its evaluator and the two key sets; nothing secret.
 */
export class Encapsulation {
  private readonly small: Context;
  private readonly smallEvaluator: NativeEvaluator;
  private readonly toSparseKeys: RelinKeys;
  private readonly toDenseKeys: RelinKeys;
  readonly sparseWeight: number;

  constructor(
    private readonly seal: SEALLibrary,
    private readonly context: Context,
    private readonly evaluator: NativeEvaluator,
    facts: ChainFacts,
    keys: EncapsulationKeyBytes,
  ) {
    this.sparseWeight = keys.sparseWeight;
    this.small = contextOfPrimes(seal, facts.degree, bottomPrimes(facts), facts.security);
    this.smallEvaluator = seal.Evaluator(this.small);
    this.toSparseKeys = seal.RelinKeys();
    this.toDenseKeys = seal.RelinKeys();
    try {
      this.toSparseKeys.loadArray(this.small, keys.toSparse);
      this.toDenseKeys.loadArray(context, keys.toDense);
    } catch (err) {
      this.dispose();
      throw new Error(`bootstrap keys: SEAL cannot load the encapsulation keys (${(err as Error).message})`, { cause: err });
    }
  }

  /** The SEAL objects held (a test checks that none is secret). */
  nativeObjects(): { name: string; object: { instance: unknown } }[] {
    return [
      { name: 'encapsulation context', object: this.small },
      { name: 'encapsulation evaluator', object: this.smallEvaluator },
      { name: 'toSparse keys', object: this.toSparseKeys },
      { name: 'toDense keys', object: this.toDenseKeys },
    ];
  }

  /** Dense -> sparse secret, at level 0 (in the small context; the result is a main-context ciphertext of level 0). */
  toSparse(ct: CipherText): CipherText {
    if (ct.coeffModulusSize !== 1)
      throw new Error(`switchKey toSparse: the ciphertext has ${ct.coeffModulusSize} primes, not one (level 0)`);
    return switchKeyNative(this.seal, this.small, this.smallEvaluator, this.toSparseKeys, ct);
  }

  /** Sparse -> dense secret, at any level of the main context (the bootstrap uses it at the top). */
  toDense(ct: CipherText): CipherText {
    return switchKeyNative(this.seal, this.context, this.evaluator, this.toDenseKeys, ct);
  }

  dispose(): void {
    for (const o of [this.toDenseKeys, this.toSparseKeys, this.smallEvaluator, this.small]) o.delete();
  }
}

/**
 * Key owner side, for tests and diagnostics: the decryption of `ct` in coefficient form, as
 * residues prime by prime (L·N values, coefficient i of prime j at j·N + i): the plaintext's NTT
 * residues written as c0 of a ciphertext that SEAL takes out of NTT form.
 */
export function decryptCoefficients(
  seal: SEALLibrary,
  context: Context,
  evaluator: NativeEvaluator,
  decrypt: (ct: CipherText, pt: PlainText) => void,
  ct: CipherText,
): BigUint64Array {
  const pt = seal.PlainText();
  const tmp = seal.CipherText();
  try {
    decrypt(ct, pt);
    const primes = ct.coeffModulusSize;
    const degree = ct.polyModulusDegree;
    const ptBytes = pt.saveArray(seal.ComprModeType.none);
    if (ptBytes.length !== PLAIN_DATA + 8 * primes * degree) throw new Error('decryptCoefficients: unexpected plaintext layout');
    // c1 = 1, not 0: SEAL refuses a transparent ciphertext
    const data = new BigUint64Array(2 * primes * degree).fill(1n);
    data.set(new BigUint64Array(ptBytes.slice(PLAIN_DATA).buffer));
    const id = ct.parmsId;
    try {
      tmp.loadArray(context, ciphertextBytes(ciphertextHeader(seal), id, 2, primes, data, true));
    } finally {
      id.delete();
    }
    evaluator.cipherTransformFromNtt(tmp, tmp);
    return ciphertextData(tmp.saveArray(seal.ComprModeType.none)).slice(0, primes * degree);
  } finally {
    pt.delete();
    tmp.delete();
  }
}

/** a^-1 mod q (q prime). */
export function modInverse(a: bigint, q: bigint): bigint {
  let r = 1n,
    b = ((a % q) + q) % q,
    e = q - 2n;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % q;
    b = (b * b) % q;
    e >>= 1n;
  }
  return r;
}
