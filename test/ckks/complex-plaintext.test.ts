/**
 * Complex plaintexts on node-seal (algorithms/ckks/seal-complex.ts), directly against SEAL at
 * N=8192: the modular arithmetic against BigInt, one multiplyPlain of an encrypted v + i·w by
 * m1 + i·m2 at every level, byte identity with a mod-switched top-level build, the start-up
 * self-check passing on this build and failing on a wrong recipe, and refused layouts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import SEAL from 'node-seal';
import { errorBound } from '../../algorithms/ckks/precision';
import {
  ComplexPlaintextBuilder,
  type ComplexTools,
  FixedModMultiplier,
  PLAINTEXT_DATA_OFFSET,
  checkComplexPlaintexts,
  encodeComplex,
} from '../../algorithms/ckks/seal-complex';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { maxAbsDiff } from '../helpers/backends';

/* eslint-disable @typescript-eslint/no-explicit-any -- node-seal's objects are typed loosely here */
const N = 8192;
let cached: Promise<ComplexTools & { parmsIds: any[]; keys: any }> | null = null;

/** SEAL at N=8192, chain [60, 40, 40, 60] (levels 2, 1, 0), with keys for the checks. */
function fixture() {
  cached ??= (async () => {
    const seal: any = await SEAL();
    const parms = seal.EncryptionParameters(seal.SchemeType.ckks);
    parms.setPolyModulusDegree(N);
    parms.setCoeffModulus(seal.CoeffModulus.Create(N, Int32Array.from([60, 40, 40, 60])));
    const context = seal.Context(parms, true, seal.SecurityLevel.tc128);
    const encoder = seal.CKKSEncoder(context);
    const evaluator = seal.Evaluator(context);
    const parmsIds: any[] = []; // index = level
    for (let d = context.firstContextData; ; d = d.nextContextData) {
      parmsIds.unshift(d.parmsId);
      if (d.chainIndex === 0) break;
    }
    const builder = new ComplexPlaintextBuilder(N, [...(context.firstContextData.parms.coeffModulus as BigUint64Array)]);
    const keygen = seal.KeyGenerator(context);
    const sk = keygen.secretKey();
    const keys = { encryptor: seal.Encryptor(context, keygen.createPublicKey(), sk), decryptor: seal.Decryptor(context, sk) };
    return { seal, context, encoder, evaluator, builder, parmsIds, keys };
  })();
  return cached;
}

test('the table multiplier equals BigInt arithmetic, edge residues included', () => {
  const rng = uniformRng(11);
  // moduli of SEAL's prime sizes (60 and 40 bits; primality does not matter to the multiplier)
  for (const q of [1152921504606830593n, 1099511480321n, 1152921504606584833n]) {
    for (const t of [1n, q - 1n, (q * 3n) / 7n]) {
      const m = new FixedModMultiplier(q, t);
      const count = 64;
      const values = (i: number): bigint =>
        i < 4 ? [0n, 1n, q - 1n, q - 2n][i]! : (BigInt(Math.floor(rng() * 2 ** 30)) * 2n ** 30n + BigInt(Math.floor(rng() * 2 ** 30))) % q;
      const a = new BigUint64Array(count),
        b = new BigUint64Array(count);
      for (let i = 0; i < count; i++) {
        a[i] = values(i);
        b[i] = values((i + 2) % count);
      }
      for (const sign of [1, -1] as const) {
        const out = new BigUint64Array(count);
        const w = (x: BigUint64Array) => new Uint32Array(x.buffer);
        m.combine(w(a), w(b), w(out), 0, count, sign);
        for (let i = 0; i < count; i++) {
          const want = (((a[i]! + BigInt(sign) * t * b[i]!) % q) + q) % q;
          assert.is(out[i], want, `q=${q} t=${t} sign=${sign} a=${a[i]} b=${b[i]}`);
        }
      }
      const bad = new BigUint64Array([q]);
      assert.throws(() => m.combine(new Uint32Array(bad.buffer), new Uint32Array(2), new Uint32Array(2), 0, 1, 1), /not reduced/);
    }
  }
});

test('one multiplyPlain by m1 + i·m2 multiplies v + i·w, at every level, with a real mask error', async () => {
  const tools = await fixture();
  const { seal, encoder, evaluator, parmsIds, keys, builder, context } = tools;
  const slots = N / 2;
  const rng = uniformRng(5);
  const [v, w, m1, m2] = [0, 1, 2, 3].map(() => uniformArray(rng, slots, -1, 1)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const scale = 2 ** 40;
  const decode = (ct: any): Float64Array => {
    const p = seal.PlainText();
    keys.decryptor.decrypt(ct, p);
    const out = Float64Array.from(encoder.decode(p) as Float64Array);
    p.delete();
    return out;
  };
  for (const level of [2, 1]) {
    // the ciphertext v + i·w is itself an encryption of a complex plaintext
    const z = encodeComplex(tools, v, w, scale, parmsIds[level]);
    const ct = seal.CipherText();
    keys.encryptor.encryptSymmetric(z, ct);
    const mask = encodeComplex(tools, m1, m2, scale, parmsIds[level]);
    evaluator.multiplyPlain(ct, mask, ct);
    evaluator.rescaleToNext(ct, ct);
    const re = decode(ct);
    const unitTemplate = seal.PlainText();
    encoder.encode(new Float64Array(slots), 1, unitTemplate);
    evaluator.plainModSwitchTo(unitTemplate, ct.parmsId, unitTemplate);
    const unit = seal.PlainText();
    unit.loadArray(context, builder.halfMonomialBytes(unitTemplate.saveArray(seal.ComprModeType.none)));
    evaluator.multiplyPlain(ct, unit, ct);
    const rotated = decode(ct);
    const im = rotated.map((x, k) => (k % 2 === 0 ? -x : x));
    const wantRe = v.map((x, k) => x * m1[k]! - w[k]! * m2[k]!);
    const wantIm = v.map((x, k) => x * m2[k]! + w[k]! * m1[k]!);
    // one fresh encryption and one rescaled product of values up to 2 in size
    const bound = errorBound({ scaleBits: 40 }, 2, 2);
    assert.ok(maxAbsDiff(re, wantRe) < bound, `level ${level} real part: ${maxAbsDiff(re, wantRe)}`);
    assert.ok(maxAbsDiff(im, wantIm) < bound, `level ${level} imaginary part: ${maxAbsDiff(im, wantIm)}`);
    for (const o of [z, ct, mask, unitTemplate, unit]) o.delete();
  }
});

test('a top-level build mod-switched down is byte-identical to a build at the lower level', async () => {
  const tools = await fixture();
  const { seal, evaluator, parmsIds } = tools;
  const rng = uniformRng(6);
  const m1 = uniformArray(rng, N / 2, -1, 1),
    m2 = uniformArray(rng, N / 2, -1, 1);
  const top = encodeComplex(tools, m1, m2, 2 ** 30);
  evaluator.plainModSwitchTo(top, parmsIds[1], top);
  const low = encodeComplex(tools, m1, m2, 2 ** 30, parmsIds[1]);
  const [x, y] = [top, low].map((p) => p.saveArray(seal.ComprModeType.none) as Uint8Array);
  assert.is(x!.length, PLAINTEXT_DATA_OFFSET + 2 * N * 8);
  assert.ok(Buffer.from(x!).equals(Buffer.from(y!)));
  top.delete();
  low.delete();
});

test('the start-up self-check passes on this SEAL build and fails on a wrong recipe', async () => {
  const tools = await fixture();
  const worst = checkComplexPlaintexts(tools);
  assert.ok(worst < 1e-3, `worst error ${worst}`);
  // the conjugate recipe (q - t for t): what a build with another NTT order would give
  class Conjugated extends ComplexPlaintextBuilder {
    override combine(a: Uint8Array, b: Uint8Array): Uint8Array {
      const out = super.combine(a, b);
      const n = this.ringDegree;
      const swapped = out.slice();
      for (let j = 0; j < this.primesOf(out, 'out'); j++) {
        const base = PLAINTEXT_DATA_OFFSET + j * n * 8;
        swapped.set(out.subarray(base + (n / 2) * 8, base + n * 8), base);
        swapped.set(out.subarray(base, base + (n / 2) * 8), base + (n / 2) * 8);
      }
      return swapped;
    }
  }
  const wrong = new Conjugated(N, tools.builder.primes);
  assert.throws(() => checkComplexPlaintexts({ ...tools, builder: wrong }), /does not match the recipe/);
});

test('compressed bytes, mixed levels and different scales are refused', async () => {
  const { seal, encoder, evaluator, builder, parmsIds } = await fixture();
  const pt = seal.PlainText();
  encoder.encode(new Float64Array([1, 2]), 2 ** 30, pt);
  const top = pt.saveArray(seal.ComprModeType.none) as Uint8Array;
  const zstd = pt.saveArray(seal.ComprModeType.zstd) as Uint8Array;
  encoder.encode(new Float64Array([1, 2]), 2 ** 31, pt);
  const otherScale = pt.saveArray(seal.ComprModeType.none) as Uint8Array;
  evaluator.plainModSwitchTo(pt, parmsIds[0], pt);
  const low = pt.saveArray(seal.ComprModeType.none) as Uint8Array;
  pt.delete();
  assert.throws(() => builder.combine(zstd, top), /not an uncompressed SEAL plaintext/);
  assert.throws(() => builder.combine(top, low), /different levels/);
  assert.throws(() => builder.combine(top, otherScale), /differ in parms_id, size or scale/);
  assert.throws(() => builder.combine(top.subarray(0, top.length - 8), top), /unexpected SEAL plaintext layout/);
});

test.run();
