/**
 * True complex plaintexts for node-seal 6, whose CKKS encoder takes real vectors only.
 *
 * SEAL stores a CKKS plaintext in NTT form: for each prime q_j of its level, N residues, the
 * polynomial evaluated at the odd powers of psi_j (a primitive 2N-th root of unity mod q_j).
 * In SEAL's NTT order the monomial X^(N/2) evaluates to t_j = psi_j^(N/2) (psi_j the smallest
 * primitive 2N-th root) at the first N/2 points and to -t_j = q_j - t_j at the last N/2 (the
 * project's imaginary unit, ckks/seal.ts, is built that way). So the plaintext A + X^(N/2)·B has
 * the residues A + t_j·B in the first N/2 and A - t_j·B in the last N/2, and in the slots X^(N/2) is
 * i·sigma_k (sigma_k = +1 at even slot index k, -1 at odd: SEAL orders slots by powers of 3).
 * Encoding A = encode(m1) and B = encode(m2·sigma) at the same scale therefore gives m1 + i·m2
 * (the 'decoded' form); the backend uses B = encode(m2) (the 'monomial' form, see ImaginaryForm).
 *
 * The byte layout of an uncompressed plaintext (SEAL 4.1): bytes 0-15 the SEAL header (byte 5
 * the compression mode, bytes 8-15 the total size), 16-47 parms_id, 48-55 coeff_count (L·N),
 * 56-63 the scale (float64), 64-87 the data array's own header, from 88 the L·N residues as
 * little-endian uint64, prime by prime. `checkComplexPlaintexts` proves on a known vector that
 * the SEAL build at hand agrees, so a different build fails loudly instead of computing garbage.
 *
 * The arithmetic: t_j·b mod q_j for 60-bit values, per coefficient, with neither BigInt (36-45 ms
 * per plaintext at N=16384) nor a 128-bit product. b is split into five 12-bit digits and
 * t_j·d·2^(12k) mod q_j is read from a per-prime table (5·4096 entries); the five entries are
 * summed in two 30-bit limbs (exact in doubles) and reduced by at most four subtractions
 * (measured on a shared machine: about 1 ms per plaintext at N=8192 and 5-9 ms at N=16384,
 * against 6 and 31 ms with BigInt; test/ckks/complex-plaintext.test.ts checks it against BigInt).
 */

/** Bytes before the residues in an uncompressed SEAL plaintext. */
export const PLAINTEXT_DATA_OFFSET = 88;

const LIMB = 2 ** 30;
const LIMB_MASK = LIMB - 1;
const DIGIT_BITS = 12;
const DIGITS = 5; // 5 x 12 = 60 bits, SEAL's largest prime size
const DIGIT_SIZE = 1 << DIGIT_BITS;

/** b^e mod m, BigInt. */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/** The smallest primitive m-th root of unity mod prime q (m a power of two dividing q - 1): SEAL's NTT root. */
export function minimalPrimitiveRoot(q: bigint, m: number): bigint {
  const M = BigInt(m);
  const half = BigInt(m / 2);
  let root = 0n;
  for (let g = 2n; g < q; g++) {
    const r = modPow(g, (q - 1n) / M, q);
    if (modPow(r, half, q) === q - 1n) {
      root = r;
      break;
    }
  }
  if (root === 0n) throw new Error(`no primitive ${m}-th root of unity mod ${q}`);
  // All primitive m-th roots are root^k for odd k: take the smallest.
  const sq = (root * root) % q;
  let best = root;
  let cur = root;
  for (let k = 1; k < m / 2; k++) {
    cur = (cur * sq) % q;
    if (cur < best) best = cur;
  }
  return best;
}

/** t = psi^(N/2) mod q, the value of X^(N/2) at the first N/2 of SEAL's NTT points for prime q. */
export function halfMonomialValue(q: bigint, ringDegree: number): bigint {
  return modPow(minimalPrimitiveRoot(q, 2 * ringDegree), BigInt(ringDegree / 2), q);
}

/** m2 times sigma (+1 at even slot index, -1 at odd): what B must encode for an imaginary part m2. */
export function signedImaginary(m2: ArrayLike<number>, slots: number): Float64Array {
  const out = new Float64Array(slots);
  for (let k = 0; k < m2.length && k < slots; k++) out[k] = k % 2 === 0 ? m2[k]! : -m2[k]!;
  return out;
}

/** Multiplication by a fixed t modulo a fixed prime q < 2^60, by digit tables. */
export class FixedModMultiplier {
  readonly qHi: number;
  readonly qLo: number;
  /** q's little-endian 32-bit halves (range checks on raw residues). */
  readonly q32Hi: number;
  readonly q32Lo: number;
  /** table entry [k·4096 + d] = t·d·2^(12k) mod q, as 30-bit limbs. */
  private readonly hi = new Float64Array(DIGITS * DIGIT_SIZE);
  private readonly lo = new Float64Array(DIGITS * DIGIT_SIZE);

  constructor(
    readonly q: bigint,
    readonly t: bigint,
  ) {
    if (q <= 2n || q >= 1n << 60n) throw new Error(`modulus ${q} is outside 3..2^60`);
    if (t < 0n || t >= q) throw new Error(`multiplier ${t} is not reduced mod ${q}`);
    this.qHi = Number(q >> 30n);
    this.qLo = Number(q & BigInt(LIMB_MASK));
    this.q32Hi = Number(q >> 32n);
    this.q32Lo = Number(q & 0xffffffffn);
    for (let k = 0; k < DIGITS; k++) {
      const step = (t << BigInt(DIGIT_BITS * k)) % q;
      const sHi = Number(step >> 30n),
        sLo = Number(step & BigInt(LIMB_MASK));
      let h = 0,
        l = 0;
      const base = k * DIGIT_SIZE;
      for (let d = 0; d < DIGIT_SIZE; d++) {
        this.hi[base + d] = h;
        this.lo[base + d] = l;
        // (h, l) += step mod q
        l += sLo;
        h += sHi;
        if (l >= LIMB) {
          l -= LIMB;
          h += 1;
        }
        if (h > this.qHi || (h === this.qHi && l >= this.qLo)) {
          l -= this.qLo;
          h -= this.qHi;
          if (l < 0) {
            l += LIMB;
            h -= 1;
          }
        }
      }
    }
  }

  /**
   * Writes (a + t·b) mod q (sign +1) or (a - t·b) mod q (sign -1) for `count` residues given as
   * little-endian uint32 pairs (low word first) from word offsets `from` of `a`/`b` into `out`.
   * Throws if an input residue is not below q.
   */
  combine(a: Uint32Array, b: Uint32Array, out: Uint32Array, from: number, count: number, sign: 1 | -1): void {
    const { hi, lo, qHi, qLo, q32Hi, q32Lo } = this;
    const end = from + 2 * count;
    for (let w = from; w < end; w += 2) {
      const bLo = b[w]!,
        bHi = b[w + 1]!,
        aLo = a[w]!,
        aHi = a[w + 1]!;
      if (bHi > q32Hi || (bHi === q32Hi && bLo >= q32Lo) || aHi > q32Hi || (aHi === q32Hi && aLo >= q32Lo)) {
        throw new Error(`a residue at word ${w} is not reduced mod ${this.q}`);
      }
      // the five 12-bit digits of b (b < q < 2^60)
      const i0 = bLo & 0xfff;
      const i1 = DIGIT_SIZE + ((bLo >>> 12) & 0xfff);
      const i2 = 2 * DIGIT_SIZE + (((bLo >>> 24) | (bHi << 8)) & 0xfff);
      const i3 = 3 * DIGIT_SIZE + ((bHi >>> 4) & 0xfff);
      const i4 = 4 * DIGIT_SIZE + ((bHi >>> 16) & 0xfff);
      let sl = lo[i0]! + lo[i1]! + lo[i2]! + lo[i3]! + lo[i4]!;
      let sh = hi[i0]! + hi[i1]! + hi[i2]! + hi[i3]! + hi[i4]!;
      const carry = Math.floor(sl / LIMB);
      sl -= carry * LIMB;
      sh += carry;
      // sum of five residues: below 5q, at most four subtractions
      while (sh > qHi || (sh === qHi && sl >= qLo)) {
        sl -= qLo;
        sh -= qHi;
        if (sl < 0) {
          sl += LIMB;
          sh -= 1;
        }
      }
      // a in 30-bit limbs
      let rl = aLo & LIMB_MASK;
      let rh = (aHi << 2) | (aLo >>> 30);
      if (sign === 1) {
        rl += sl;
        rh += sh;
        if (rl >= LIMB) {
          rl -= LIMB;
          rh += 1;
        }
        if (rh > qHi || (rh === qHi && rl >= qLo)) {
          rl -= qLo;
          rh -= qHi;
          if (rl < 0) {
            rl += LIMB;
            rh -= 1;
          }
        }
      } else {
        rl -= sl;
        rh -= sh;
        if (rl < 0) {
          rl += LIMB;
          rh -= 1;
        }
        if (rh < 0) {
          rl += qLo;
          rh += qHi;
          if (rl >= LIMB) {
            rl -= LIMB;
            rh += 1;
          }
        }
      }
      out[w] = (rl + (rh & 3) * LIMB) >>> 0;
      out[w + 1] = rh >>> 2;
    }
  }
}

/** 32-bit words of a byte array (copied if it is not 4-byte aligned). */
function words(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
  return new Uint32Array(bytes.slice().buffer, 0, bytes.byteLength >>> 2);
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The complex-plaintext builder for one ring degree and one chain of data primes. */
export class ComplexPlaintextBuilder {
  /** t_j = psi_j^(N/2) mod q_j, by prime. */
  readonly halfMonomial: readonly bigint[];
  private readonly multipliers: FixedModMultiplier[];

  /**
   * @param ringDegree N
   * @param primes the data primes of the top level in chain order (the special prime excluded);
   *   a plaintext at a lower level uses the first few of them.
   */
  constructor(
    readonly ringDegree: number,
    readonly primes: readonly bigint[],
  ) {
    if (!littleEndian) throw new Error('complex plaintexts: the byte layout assumes a little-endian platform');
    this.halfMonomial = primes.map((q) => halfMonomialValue(q, ringDegree));
    this.multipliers = primes.map((q, j) => new FixedModMultiplier(q, this.halfMonomial[j]!));
  }

  /** The number of primes of an uncompressed plaintext, after checking its layout. */
  primesOf(bytes: Uint8Array, what: string): number {
    const n = this.ringDegree;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < PLAINTEXT_DATA_OFFSET || bytes[5] !== 0) {
      throw new Error(`complex plaintexts: ${what} is not an uncompressed SEAL plaintext (compression mode ${bytes[5]})`);
    }
    const total = Number(view.getBigUint64(8, true));
    const coeffs = Number(view.getBigUint64(48, true));
    const primes = coeffs / n;
    if (
      total !== bytes.length ||
      !Number.isInteger(primes) ||
      primes < 1 ||
      primes > this.primes.length ||
      bytes.length !== PLAINTEXT_DATA_OFFSET + coeffs * 8
    ) {
      throw new Error(
        `complex plaintexts: unexpected SEAL plaintext layout in ${what} (${bytes.length} bytes, size field ${total}, coeff_count ${coeffs}, N=${n})`,
      );
    }
    return primes;
  }

  /**
   * The bytes of the plaintext A + X^(N/2)·B from two uncompressed plaintexts of the same level
   * and scale: a copy of A's bytes (header, parms_id, scale unchanged) with the residues
   * (A + t_j·B) mod q_j in the first N/2 coefficients of prime j and (A - t_j·B) mod q_j in the last.
   */
  combine(a: Uint8Array, b: Uint8Array): Uint8Array {
    const primes = this.primesOf(a, 'A');
    if (this.primesOf(b, 'B') !== primes) throw new Error('complex plaintexts: A and B are at different levels');
    for (let i = 16; i < 64; i++) {
      if (a[i] !== b[i]) throw new Error('complex plaintexts: A and B differ in parms_id, size or scale');
    }
    const out = a.slice();
    const aw = words(a),
      bw = words(b),
      ow = new Uint32Array(out.buffer, 0, out.byteLength >>> 2);
    const n = this.ringDegree;
    const start = PLAINTEXT_DATA_OFFSET / 4;
    for (let j = 0; j < primes; j++) {
      const m = this.multipliers[j]!;
      const base = start + 2 * j * n;
      m.combine(aw, bw, ow, base, n / 2, 1);
      m.combine(aw, bw, ow, base + n, n / 2, -1);
    }
    return out;
  }

  /**
   * The bytes of the plaintext X^(N/2) (scale 1.0) at the level of `template`, any uncompressed
   * plaintext: t_j in the first N/2 residues of prime j, q_j - t_j in the last.
   */
  halfMonomialBytes(template: Uint8Array): Uint8Array {
    const primes = this.primesOf(template, 'the template');
    const out = template.slice();
    const view = new DataView(out.buffer);
    view.setFloat64(56, 1.0, true);
    const n = this.ringDegree;
    for (let j = 0; j < primes; j++) {
      const q = this.primes[j]!,
        t = this.halfMonomial[j]!;
      const base = PLAINTEXT_DATA_OFFSET + j * n * 8;
      for (let i = 0; i < n; i++) view.setBigUint64(base + i * 8, i < n / 2 ? t : q - t, true);
    }
    return out;
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- node-seal's objects are typed loosely here */

/** The SEAL objects a complex plaintext is built with (no secret key needed). */
export interface ComplexTools {
  /** the loaded node-seal library */
  readonly seal: any;
  readonly context: any;
  readonly encoder: any;
  readonly evaluator: any;
  readonly builder: ComplexPlaintextBuilder;
}

/**
 * How the imaginary part is laid into the slots:
 * - 'decoded': slot k decodes as m1[k] + i·m2[k] (B = encode(sigma·m2));
 * - 'monomial': the plaintext is encode(m1) + X^(N/2)·encode(m2), so slot k holds
 *   m1[k] + i·sigma_k·m2[k]: the form in which the backend's ciphertexts carry imaginary parts
 *   (they are made with X^(N/2), and an odd rotation is followed by a conjugation to keep it), so
 *   that one multiplyPlain multiplies their complex values by m1 + i·m2.
 */
export type ImaginaryForm = 'decoded' | 'monomial';

/**
 * A native plaintext of m1 + i·m2 (zero-padded to the slots) at `scale`, at the level of
 * `parmsId` (the top level if omitted), in the given form. The caller deletes it.
 */
export function encodeComplex(
  tools: ComplexTools,
  m1: Float64Array,
  m2: Float64Array,
  scale: number,
  parmsId?: any,
  form: ImaginaryForm = 'decoded',
): any {
  const { seal, encoder, evaluator, context, builder } = tools;
  const slots = encoder.slotCount as number;
  const encodeAt = (v: Float64Array): Uint8Array => {
    const pt = seal.PlainText();
    try {
      encoder.encode(v, scale, pt);
      if (parmsId) evaluator.plainModSwitchTo(pt, parmsId, pt);
      return pt.saveArray(seal.ComprModeType.none) as Uint8Array;
    } finally {
      pt.delete();
    }
  };
  const padded = new Float64Array(slots);
  padded.set(m1.subarray(0, slots));
  const imag = new Float64Array(slots);
  imag.set(m2.subarray(0, slots));
  const bytes = builder.combine(encodeAt(padded), encodeAt(form === 'decoded' ? signedImaginary(m2, slots) : imag));
  const out = seal.PlainText();
  try {
    out.loadArray(context, bytes);
  } catch (err) {
    out.delete();
    throw new Error(`complex plaintexts: SEAL rejects the built plaintext (${(err as Error).message})`, { cause: err });
  }
  return out;
}

/**
 * Proves the recipe on this SEAL build: at the top level and at the lowest data level, a known
 * m1 + i·m2 is built, an encryption of a known real v (throw-away keys) is multiplied by it, and
 * the decrypted real part (decode) and imaginary part (-sigma_k · decode(z · X^(N/2))) must equal
 * v·m1 and v·m2. Throws an Error naming the part and level that differ; returns the largest error.
 */
export function checkComplexPlaintexts(tools: ComplexTools): number {
  const { seal, context, encoder, evaluator, builder } = tools;
  const slots = encoder.slotCount as number;
  // A scale whose square (the product's) fits the lowest level's one prime with room for values
  // up to 1: 2^25 with SEAL's usual 60-bit first prime. A wrong recipe errs by about the values
  // themselves (0.1 to 1); CKKS noise at this scale grows with N (measured max 3e-5 at N=8192,
  // 6e-5 at N=32768), so the tolerance is 2^14 times the scale's resolution (4.9e-4 at 2^25):
  // 8 times the noise at N=32768 and 200 times below a wrong recipe's error.
  const bottomBits = Math.floor(Math.log2(Number(builder.primes[0]!)));
  const scaleBits = Math.min(25, Math.floor((bottomBits - 3) / 2));
  const scale = 2 ** scaleBits;
  const tolerance = 2 ** (14 - scaleBits);
  const m1 = new Float64Array(slots),
    m2 = new Float64Array(slots),
    v = new Float64Array(slots);
  for (let k = 0; k < slots; k++) {
    m1[k] = Math.cos(0.37 * k);
    m2[k] = Math.sin(0.91 * k + 0.2);
    v[k] = 0.5 + 0.5 * Math.cos(1.3 * k);
  }
  const keygen = seal.KeyGenerator(context);
  const secretKey = keygen.secretKey();
  const publicKey = keygen.createPublicKey();
  const encryptor = seal.Encryptor(context, publicKey, secretKey);
  const decryptor = seal.Decryptor(context, secretKey);
  const made: any[] = [keygen, secretKey, publicKey, encryptor, decryptor];
  let worst = 0;
  try {
    const top = context.firstContextData;
    const levels: any[] = top.chainIndex > 0 ? [context.firstParmsId, context.lastParmsId] : [context.firstParmsId];
    for (const parmsId of levels) {
      const pt = encodeComplex(tools, m1, m2, scale, parmsId);
      made.push(pt);
      const plainV = seal.PlainText();
      made.push(plainV);
      encoder.encode(v, scale, plainV);
      evaluator.plainModSwitchTo(plainV, parmsId, plainV);
      const ct = seal.CipherText();
      made.push(ct);
      encryptor.encryptSymmetric(plainV, ct);
      evaluator.multiplyPlain(ct, pt, ct);
      const template = pt.saveArray(seal.ComprModeType.none) as Uint8Array;
      const unit = seal.PlainText();
      made.push(unit);
      unit.loadArray(context, builder.halfMonomialBytes(template));
      const decode = (c: any): Float64Array => {
        const p = seal.PlainText();
        try {
          decryptor.decrypt(c, p);
          return Float64Array.from(encoder.decode(p) as Float64Array);
        } finally {
          p.delete();
        }
      };
      const re = decode(ct);
      evaluator.multiplyPlain(ct, unit, ct);
      const rotated = decode(ct);
      const level = parmsId === context.firstParmsId ? 'top' : 'lowest';
      for (let k = 0; k < slots; k++) {
        const im = (k % 2 === 0 ? -1 : 1) * rotated[k]!;
        const eRe = Math.abs(re[k]! - v[k]! * m1[k]!),
          eIm = Math.abs(im - v[k]! * m2[k]!);
        worst = Math.max(worst, eRe, eIm);
        if (!(eRe < tolerance && eIm < tolerance)) {
          throw new Error(
            `complex plaintexts: this SEAL build does not match the recipe (level ${level}, slot ${k}: ` +
              `real part ${re[k]} vs ${v[k]! * m1[k]!}, imaginary part ${im} vs ${v[k]! * m2[k]!})`,
          );
        }
      }
    }
  } finally {
    for (const o of made) o.delete();
  }
  return worst;
}
