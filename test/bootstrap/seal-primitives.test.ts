/**
 * The SEAL-level bootstrap primitives (algorithms/ckks/seal-bootstrap.ts) against their integer
 * meaning, with the key owner's decryption in coefficient form, at N=8192 (chain 60-40-40-60):
 * the NTT order of crafted secrets, ModRaise exactly (decryption = level-0 decryption + q0·I, I an
 * integer polynomial, the same on every prime), the size of I with the dense and with the sparse
 * secret, the two encapsulation key switches (the message unchanged within key-switch noise), and
 * the slot order the bootstrap's transforms are built for (generator -3) against SEAL's encoder,
 * with the factored transforms in that order (float64).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import SEAL from 'node-seal';
import {
  Encapsulation,
  ModRaiser,
  PLAIN_DATA,
  SPARSE_HAMMING_WEIGHT,
  chainFacts,
  checkNttOrder,
  decryptCoefficients,
  makeEncapsulationKeys,
  modInverse,
  nttOfSmall,
  secretKeyOfCoefficients,
} from '../../algorithms/ckks/seal-bootstrap';
import { minimalPrimitiveRoot } from '../../algorithms/ckks/seal-complex';
import { SEAL_SLOT_GENERATOR } from '../../algorithms/ckks/seal';
import { bitReversedLayout, coeffToSlotFactored } from '../../algorithms/ckks/bootstrap/coeff-to-slot';
import { decodeCoeffs } from '../../algorithms/ckks/bootstrap/embedding';
import { lintransPlain, replicate } from '../../algorithms/ckks/bootstrap/linear-transform';
import { slotToCoeffFactored } from '../../algorithms/ckks/bootstrap/slot-to-coeff';
import { uniformArray, uniformRng } from '../../algorithms/random';

/* eslint-disable @typescript-eslint/no-explicit-any -- node-seal's objects are typed loosely here */
const N = 8192;

interface Fixture {
  seal: any;
  ctx: any;
  ev: any;
  facts: ReturnType<typeof chainFacts>;
  top: bigint[];
  q0: bigint;
  encrypt: (values: Float64Array) => any;
  dense: (c: any) => BigUint64Array;
  sparse: (c: any) => BigUint64Array;
  raiser: ModRaiser;
  encap: Encapsulation;
  sparseCoeffs: Int8Array;
  encoder: any;
}
let cached: Promise<Fixture> | null = null;

function fixture(): Promise<Fixture> {
  cached ??= (async () => {
    const seal: any = await SEAL();
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    parms.setPolyModulusDegree(N);
    parms.setCoeffModulus(seal.CoeffModulus.Create(N, Int32Array.from([60, 40, 40, 60])));
    const ctx = seal.Context(parms, true, seal.SecurityLevel.tc128);
    const facts = chainFacts(ctx, seal.SecurityLevel.tc128);
    const kg = seal.KeyGenerator(ctx);
    const sk = kg.secretKey();
    const skBytes = sk.saveArray(seal.ComprModeType.none);
    const rk = kg.createRelinKeys();
    const made = makeEncapsulationKeys(seal, ctx, facts, skBytes, rk.saveArray(seal.ComprModeType.none));
    const ev = seal.Evaluator(ctx);
    const pk = kg.createPublicKey();
    const enc = seal.Encryptor(ctx, pk, sk);
    const dec = seal.Decryptor(ctx, sk);
    const sparseSk = seal.SecretKey();
    sparseSk.loadArray(ctx, secretKeyOfCoefficients(skBytes, made.sparse, facts.keyPrimes));
    const decSparse = seal.Decryptor(ctx, sparseSk);
    const encoder = seal.CKKSEncoder(ctx);
    const top = [...ctx.firstContextData.parms.coeffModulus] as bigint[];
    return {
      seal,
      ctx,
      ev,
      facts,
      top,
      q0: top[0]!,
      encrypt: (values: Float64Array) => {
        const pt = seal.PlainText();
        encoder.encode(values, 2 ** 40, pt);
        const ct = seal.CipherText();
        enc.encrypt(pt, ct);
        pt.delete();
        ev.cipherModSwitchTo(ct, ctx.lastParmsId, ct);
        return ct;
      },
      dense: (c: any) => decryptCoefficients(seal, ctx, ev, (x, p) => dec.decrypt(x, p), c),
      sparse: (c: any) => decryptCoefficients(seal, ctx, ev, (x, p) => decSparse.decrypt(x, p), c),
      raiser: new ModRaiser(seal, ctx, ev, ctx.firstParmsId, top),
      encap: new Encapsulation(seal, ctx, ev, facts, made.bytes),
      sparseCoeffs: made.sparse,
      encoder,
    };
  })();
  return cached;
}

const centred = (v: bigint, q: bigint): bigint => (v > q / 2n ? v - q : v);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/**
 * Checks that `high` (top level, residues prime by prime) is exactly m + q0·I for m the centred
 * level-0 decryption `low` and one integer I per coefficient (found from the second prime, checked
 * on every prime); returns max |I| and its rms.
 */
function overflow(f: Fixture, low: BigUint64Array, high: BigUint64Array): { max: number; rms: number } {
  const { q0, top } = f;
  const q1 = top[1]!;
  const inv = modInverse(q0, q1);
  let max = 0n,
    sum2 = 0;
  for (let i = 0; i < N; i++) {
    const m = centred(low[i]!, q0);
    const d = (((high[N + i]! - m) % q1) + q1) % q1;
    const I = centred((d * inv) % q1, q1);
    top.forEach((q, j) => {
      const want = (((m + q0 * I) % q) + q) % q;
      if (high[j * N + i] !== want) assert.unreachable(`coefficient ${i}, prime ${j}: not m + q0·I`);
    });
    if (abs(I) > max) max = abs(I);
    sum2 += Number(I) ** 2;
  }
  return { max: Number(max), rms: Math.sqrt(sum2 / N) };
}

/** Largest centred difference of two residue vectors on the given primes. */
function maxNoise(a: BigUint64Array, b: BigUint64Array, primes: readonly bigint[]): number {
  let max = 0n;
  primes.forEach((q, j) => {
    for (let i = j * N; i < (j + 1) * N; i++) {
      const e = abs(centred((a[i]! + q - b[i]!) % q, q));
      if (e > max) max = e;
    }
  });
  return Number(max);
}

const message = (): Float64Array => Float64Array.from({ length: N / 2 }, (_, i) => Math.sin(0.7 * i + 0.1));

// Key-switch noise in coefficients: about N·sigma·(digits)·q/P; measured 2^9-2^10.3 at N=8192 and
// 16384. 2^14 is 8 times the largest and 2^26 below the scale 2^40: at slot level it is <= N·2^14/2^40.
const KEY_SWITCH_NOISE = 2 ** 14;

test('the sparse secret has h nonzero +-1 coefficients and SEAL NTT order (checked against SEAL)', async () => {
  const f = await fixture();
  const nonzero = [...f.sparseCoeffs].filter((c) => c !== 0);
  assert.is(nonzero.length, SPARSE_HAMMING_WEIGHT);
  assert.ok(nonzero.every((c) => c === 1 || c === -1));
  checkNttOrder(f.seal, f.ctx, f.ev, N, f.ctx.firstParmsId, f.top);
  // X (coefficient 1) evaluates to psi^(2 rev(i) + 1): index 0 holds psi, the smallest primitive 2N-th root
  const x = new Int8Array(N);
  x[1] = 1;
  assert.is(nttOfSmall(x, [f.q0])[0], minimalPrimitiveRoot(f.q0, 2 * N));
});

test('modRaise: the top-level decryption is exactly the level-0 one plus q0·I (dense secret: |I| ~ sqrt(N/18))', async () => {
  const f = await fixture();
  const ct = f.encrypt(message());
  const raised = f.raiser.raise(ct);
  assert.is(raised.coeffModulusSize, f.top.length);
  assert.is(raised.scale, ct.scale);
  const { max, rms } = overflow(f, f.dense(ct), f.dense(raised));
  // I is a sum of about 2N/3 terms uniform in [-1/2, 1/2]: rms sqrt(N/18) (21.3 at N=8192)
  const sd = Math.sqrt(N / 18);
  assert.ok(rms > sd / 2 && rms < sd * 2, `rms |I| ${rms}`);
  assert.ok(max > 0 && max < 8 * sd, `max |I| ${max}`);
  for (const c of [ct, raised]) c.delete();
});

test('toSparse at level 0, then modRaise: |I| small (h = 32), the message unchanged within key-switch noise', async () => {
  const f = await fixture();
  const ct = f.encrypt(message());
  const sp = f.encap.toSparse(ct);
  assert.is(sp.coeffModulusSize, 1);
  const before = f.dense(ct);
  const low = f.sparse(sp);
  assert.ok(maxNoise(low, before, [f.q0]) < KEY_SWITCH_NOISE);
  const raised = f.raiser.raise(sp);
  const { max, rms } = overflow(f, low, f.sparse(raised));
  // |I| <= (2 + h)/2 = 17 always; as a sum of h + 1 terms in [-1/2, 1/2] its sd is sqrt(33/12) = 1.66,
  // so 12 (7 sd) is never reached by a sparse secret and always by SEAL's dense one (max 60-90 here)
  assert.ok(max <= 12, `max |I| ${max}`);
  assert.ok(rms > 0.8 && rms < 3.3, `rms |I| ${rms}`);
  // toDense at the top: the same plaintext m + q0·I under the dense secret, within key-switch noise
  const dense = f.encap.toDense(raised);
  assert.is(dense.coeffModulusSize, f.top.length);
  assert.ok(maxNoise(f.dense(dense), f.sparse(raised), f.top) < KEY_SWITCH_NOISE);
  for (const c of [ct, sp, raised, dense]) c.delete();
});

/** SEAL's decoding (real parts) of the sparse polynomial sum_k c_k Y^k, Y = X^(N/2n), written in NTT form with scale 1. */
function decodeSparse(f: Fixture, c: Int8Array, n: number): Float64Array {
  const { seal } = f;
  const full = new Int8Array(N);
  c.forEach((v, k) => (full[(k * N) / (2 * n)] = v));
  const template = seal.PlainText();
  f.encoder.encode(new Float64Array(N / 2), 2 ** 20, template);
  const bytes: Uint8Array = template.saveArray(seal.ComprModeType.none);
  template.delete();
  new DataView(bytes.buffer, bytes.byteOffset).setFloat64(56, 1, true);
  const ntt = nttOfSmall(full, f.top);
  bytes.set(new Uint8Array(ntt.buffer), PLAIN_DATA);
  const pt = seal.PlainText();
  pt.loadArray(f.ctx, bytes);
  const out = Float64Array.from(f.encoder.decode(pt) as Float64Array);
  pt.delete();
  return out;
}

test("the seal evaluator's slot order is the embedding with generator -3 (SEAL's encoder, real and imaginary parts)", async () => {
  const f = await fixture();
  const n = 16;
  const c = new Int8Array(2 * n);
  for (let k = 0; k < 2 * n; k++) c[k] = ((k * 7 + 3) % 5) - 2 > 0 ? 1 : ((k * 7 + 3) % 5) - 2 < 0 ? -1 : 0;
  // Y^n c(Y) mod Y^(2n) + 1 is X^(N/2) c: its real parts are, on the evaluator's reading of
  // X^(N/2) as i (seal.ts), minus the imaginary parts of c's slots
  const shifted = new Int8Array(2 * n);
  for (let k = 0; k < 2 * n; k++) shifted[(k + n) % (2 * n)] = k + n < 2 * n ? c[k]! : -c[k]!;
  const re = decodeSparse(f, c, n);
  const im = decodeSparse(f, shifted, n).map((v) => -v);
  const want = decodeCoeffs(Float64Array.from(c), n, SEAL_SLOT_GENERATOR);
  for (let j = 0; j < N / 2; j++) {
    if (Math.abs(re[j]! - want.re[j % n]!) > 1e-9 || Math.abs(im[j]! - want.im[j % n]!) > 1e-9) {
      assert.unreachable(`slot ${j}: SEAL ${re[j]} + ${im[j]}i, generator -3 gives ${want.re[j % n]} + ${want.im[j % n]}i`);
    }
  }
  // the check can fail: generator 5 orders the roots otherwise, generator 3 has the odd slots' conjugates
  const five = decodeCoeffs(Float64Array.from(c), n, 5);
  const three = decodeCoeffs(Float64Array.from(c), n, 3);
  assert.ok(maxDiff(five.re, re.subarray(0, n)) > 0.1 && maxDiff(three.im, im.subarray(0, n)) > 0.1);
});

test('with generator -3 the factored transforms equal the embedding in bit-reversed order (float64)', () => {
  const rng = uniformRng(4);
  for (const n of [4, 64]) {
    const m = uniformArray(rng, 2 * n, -1, 1);
    const z = decodeCoeffs(m, n, SEAL_SLOT_GENERATOR);
    for (let levels = 1; levels <= Math.log2(n); levels++) {
      let v: { re: Float64Array; im: Float64Array } = { re: replicate(z.re, n, 2 * n), im: replicate(z.im, n, 2 * n) };
      for (const t of coeffToSlotFactored(n, levels, 1, SEAL_SLOT_GENERATOR)) v = lintransPlain(t, v.re, v.im);
      assert.ok(
        maxDiff(
          v.re.map((x) => 2 * x),
          bitReversedLayout(m, n),
        ) < 1e-11,
        `CoeffToSlot n ${n} levels ${levels}`,
      );
      let w: { re: Float64Array; im: Float64Array } = { re: bitReversedLayout(m, n), im: new Float64Array(2 * n) };
      for (const t of slotToCoeffFactored(n, levels, 1, SEAL_SLOT_GENERATOR)) w = lintransPlain(t, w.re, w.im);
      assert.ok(maxDiff(w.re, replicate(z.re, n, 2 * n)) < 1e-11 && maxDiff(w.im, replicate(z.im, n, 2 * n)) < 1e-11, `SlotToCoeff n ${n}`);
    }
  }
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

test('refusals: ModRaise and toSparse take only level-0 ciphertexts', async () => {
  const f = await fixture();
  const ct = f.encrypt(message());
  const raised = f.raiser.raise(ct);
  assert.throws(() => f.raiser.raise(raised), /not one \(level 0\)/);
  assert.throws(() => f.encap.toSparse(raised), /not one \(level 0\)/);
  for (const c of [ct, raised]) c.delete();
});

test.run();
