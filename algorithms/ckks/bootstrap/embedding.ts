/**
 * The canonical embedding of a sparse packing, the float64 meaning CoeffToSlot and SlotToCoeff
 * invert and apply. n complex slots (a power of two) are the evaluations of a real polynomial
 * m(Y) = sum_(k<2n) m_k Y^k of Z[Y]/(Y^(2n) + 1) (Y = X^(N/2n): a sparsely packed plaintext of
 * ring degree N) at the roots zeta^(g^j), j < n, zeta = exp(2*pi*i / 4n):
 *   z_j = sum_k m_k zeta^(g^j k),   i.e. z = V m with V[j][k] = zeta^(g^j k).
 * Because {+-g^j} is every odd residue mod 4n (g = 5, Lattigo and the CKKS papers; g = 3, SEAL's
 * slot order), the conjugate roots complete the set and the inverse is
 *   m_k = Re( sum_j conj(V[j][k]) z_j ) / n.
 * The generator only fixes which root each slot holds (a permutation of the rows of V); the
 * simulator has no polynomial, so there it only names which "coefficients" a slot vector stands
 * for, and both transforms use the same V: any valid generator gives exact inverses. On seal it
 * must be SEAL's order (generator 3 and SEAL's slot index map), checked against SEAL's encoder.
 * Also on seal, the evaluator's complex slots are not the true slot values: it carries i as
 * X^(N/2), which is +i on even slots and -i on odd ones (seal.ts, the imaginary unit), so an odd
 * slot it reports as v + i w truly holds v - i w. For the dense transforms this folds into the
 * matrices (CoeffToSlot takes a real part: conjugate its odd columns; SlotToCoeff's input is
 * real: conjugate its odd rows); the factored forms would need the input conjugated on odd
 * slots first (one conjugation, two first-stage transforms). Not done here: sim has no twist.
 */

/** Default root generator (Lattigo's and the CKKS papers' 5). */
export const DEFAULT_GENERATOR = 5;

/** Exponents g^j mod 4n of the n slots' roots. */
export function rootExponents(n: number, generator = DEFAULT_GENERATOR): number[] {
  if (!(n >= 1 && (n & (n - 1)) === 0)) throw new Error(`embedding: ${n} slots is not a power of two`);
  const M = 4 * n;
  const seen = new Set<number>();
  const out: number[] = [];
  // a negative generator (-3: SEAL's order as the seal evaluator reads it) is taken mod 4n
  const g = ((generator % M) + M) % M;
  let e = 1;
  for (let j = 0; j < n; j++) {
    out.push(e);
    seen.add(e);
    e = (e * g) % M;
  }
  // g^n = 1 mod 4n makes a cyclic rotation of the slots the automorphism Y -> Y^g (what a
  // Galois key performs); 3 mod 4 (n = 1) is conjugation instead
  if (e !== 1) throw new Error(`embedding: generator ${generator} does not have order ${n} mod ${M}`);
  if (seen.size !== n) throw new Error(`embedding: generator ${generator} repeats roots mod ${M}`);
  for (const x of out)
    if (seen.has(M - x)) throw new Error(`embedding: generator ${generator} does not give distinct non-conjugate roots mod ${M}`);
  return out;
}

/** V[j][k] = zeta^(e_j k) as (re, im), zeta = exp(2*pi*i / 4n). */
export function embeddingEntry(e: number, k: number, n: number): [number, number] {
  const M = 4 * n;
  const a = (2 * Math.PI * ((e * k) % M)) / M;
  return [Math.cos(a), Math.sin(a)];
}

/** Slots of a real polynomial of 2n coefficients: z = V m (n complex values). */
export function decodeCoeffs(m: ArrayLike<number>, n: number, generator = DEFAULT_GENERATOR): { re: Float64Array; im: Float64Array } {
  if (m.length !== 2 * n) throw new Error(`decodeCoeffs: ${m.length} coefficients for ${n} slots (need ${2 * n})`);
  const es = rootExponents(n, generator);
  const re = new Float64Array(n),
    im = new Float64Array(n);
  es.forEach((e, j) => {
    for (let k = 0; k < 2 * n; k++) {
      const [c, s] = embeddingEntry(e, k, n);
      re[j]! += c * m[k]!;
      im[j]! += s * m[k]!;
    }
  });
  return { re, im };
}

/** The real polynomial (2n coefficients) whose slots are z: m_k = Re(sum_j conj(V[j][k]) z_j) / n. */
export function encodeCoeffs(zre: ArrayLike<number>, zim: ArrayLike<number>, n: number, generator = DEFAULT_GENERATOR): Float64Array {
  const es = rootExponents(n, generator);
  const m = new Float64Array(2 * n);
  for (let k = 0; k < 2 * n; k++) {
    let s = 0;
    es.forEach((e, j) => {
      const [c, sn] = embeddingEntry(e, k, n);
      s += c * zre[j]! + sn * zim[j]!;
    });
    m[k] = s / n;
  }
  return m;
}

/**
 * `decodeCoeffs` in O(n log n), for whole ring elements (n = N/2 slots of N coefficients, where the
 * O(n^2) form would take minutes): one FFT of length 4n evaluates m at every 4n-th root of unity,
 * and slot j reads the root zeta^(g^j). Used by the simulator's ModRaise (sim.ts) for the slots of
 * the integer overflow I.
 */
export function decodeCoeffsFast(m: ArrayLike<number>, n: number, generator = DEFAULT_GENERATOR): { re: Float64Array; im: Float64Array } {
  if (m.length !== 2 * n) throw new Error(`decodeCoeffsFast: ${m.length} coefficients for ${n} slots (need ${2 * n})`);
  const es = rootExponents(n, generator);
  const len = 4 * n;
  const re = new Float64Array(len),
    im = new Float64Array(len);
  for (let k = 0; k < 2 * n; k++) re[k] = m[k]!;
  fftInPlace(re, im);
  const zr = new Float64Array(n),
    zi = new Float64Array(n);
  es.forEach((e, j) => {
    zr[j] = re[e]!;
    zi[j] = im[e]!;
  });
  return { re: zr, im: zi };
}

/** In-place radix-2 FFT with the positive exponent: A_t = sum_k a_k exp(2*pi*i t k / len). */
function fftInPlace(re: Float64Array, im: Float64Array): void {
  const len = re.length;
  for (let i = 1, j = 0; i < len; i++) {
    let bit = len >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= len; size *= 2) {
    const half = size / 2;
    const step = (2 * Math.PI) / size;
    for (let t = 0; t < half; t++) {
      const wr = Math.cos(step * t),
        wi = Math.sin(step * t);
      for (let s = t; s < len; s += size) {
        const u = s + half;
        const xr = re[u]! * wr - im[u]! * wi,
          xi = re[u]! * wi + im[u]! * wr;
        re[u] = re[s]! - xr;
        im[u] = im[s]! - xi;
        re[s]! += xr;
        im[s]! += xi;
      }
    }
  }
}
