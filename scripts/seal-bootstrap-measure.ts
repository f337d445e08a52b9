/**
 * Measures bootstraps on seal at a preset with a bootstrap, with as little memory as one process
 * can: the key owner and the evaluator share one SEAL heap (4 GiB), the serialized keys are
 * dropped once loaded (the harness's `hetal-bench bootstrap` keeps them in its session, which at
 * N=32768 adds their 3 GB to the process). Prints one JSON object: precision (worst and mean bits
 * over every slot of K random complex inputs in [-1, 1]), levels left, time by stage (each
 * sample), key bytes by kind, key generation and load time.
 * Usage: npx ts-node -T scripts/seal-bootstrap-measure.ts [preset] [samples]
 */
import { Bootstrapper, bootstrapRotationSteps } from '../algorithms/ckks/bootstrap/bootstrapper';
import { replicate } from '../algorithms/ckks/bootstrap/linear-transform';
import { precisionBits } from '../algorithms/ckks/precision';
import { resolvePreset } from '../algorithms/ckks/presets';
import { createSealEvaluator, createSealKeyOwner } from '../algorithms/ckks/seal';
import { CountingEvaluator } from '../algorithms/ckks/counting';
import { type EvaluationKeys, type OpCounts, diffCounts, evaluationKeyBytes } from '../algorithms/ckks/types';
import { uniformArray, uniformRng } from '../algorithms/random';

/** A progress line on stderr (stdout carries only the result). */
function progress(what: string, since: number): void {
  const m = process.memoryUsage();
  process.stderr.write(`${((performance.now() - since) / 1000).toFixed(1)} s  ${what}  (rss ${(m.rss / 2 ** 30).toFixed(2)} GiB)\n`);
}

async function main(): Promise<void> {
  const preset = resolvePreset(process.argv[2] ?? 'boot15-sparse');
  const samples = Number(process.argv[3] ?? 3);
  const params = preset.bootstrap;
  if (!params) throw new Error(`preset ${preset.name} has no bootstrap`);
  const t0 = performance.now();
  const owner = await createSealKeyOwner(preset, { rotationKeys: 'declared' });
  const tOwner = performance.now();
  progress('key owner (context)', t0);
  let tKeys = 0;
  let keyBytes: Record<string, number> = {};
  // the keys' bytes live only in this function: garbage once the evaluator has loaded them
  const ev = new CountingEvaluator(
    await (async () => {
      const keys: EvaluationKeys = owner.evaluationKeys(bootstrapRotationSteps(params), {
        bootstrap: { sparseWeight: params.sparseWeight },
      });
      tKeys = performance.now();
      progress('keys made', t0);
      keyBytes = {
        total: evaluationKeyBytes(keys),
        galois: keys.galois.byteLength,
        galoisKeys: keys.steps.length + (keys.conjugation ? 1 : 0),
        relin: keys.relin.byteLength,
        toDense: keys.bootstrap!.toDense.byteLength,
        toSparse: keys.bootstrap!.toSparse.byteLength,
      };
      return createSealEvaluator(preset, keys, { rotationKeys: 'declared' });
    })(),
  );
  const tEv = performance.now();
  progress('evaluator loaded the keys', t0);
  const b = new Bootstrapper(ev, params);
  const tPlan = performance.now();
  const rng = uniformRng(1);
  const n = params.n;
  const runs: { worstBits: number; meanBits: number; level: number; ms: Record<string, number>; counts?: Partial<OpCounts> }[] = [];
  let worst = 0,
    sum = 0,
    count = 0;
  for (let k = 0; k < samples; k++) {
    const re = uniformArray(rng, n, -1, 1),
      im = params.packing === 'sparse' ? uniformArray(rng, n, -1, 1) : new Float64Array(n);
    // re + i·im at level 0 (X^(N/2) is the evaluator's i: mulI)
    const a = ev.deserialize(owner.encryptToBytes(replicate(re, n, ev.slots), 0), false);
    const c = ev.deserialize(owner.encryptToBytes(replicate(im, n, ev.slots), 0), false);
    const ct = ev.add(a, ev.mulI(c));
    const ms: Record<string, number> = {};
    const before = ev.counts();
    const out = b.bootstrap(ct, ms);
    progress(`bootstrap ${k + 1} of ${samples}`, t0);
    const counts = Object.fromEntries(Object.entries(diffCounts(ev.counts(), before)).filter(([, v]) => v !== 0));
    const gotRe = owner.decryptBytes(ev.serialize(out));
    const t = ev.negate(ev.mulI(out));
    const gotIm = owner.decryptBytes(ev.serialize(t));
    let w = 0,
      s = 0;
    for (let i = 0; i < ev.slots; i++) {
      const e = Math.hypot(gotRe[i]! - re[i % n]!, gotIm[i]! - im[i % n]!);
      w = Math.max(w, e);
      s += e;
    }
    worst = Math.max(worst, w);
    sum += s;
    count += ev.slots;
    runs.push({
      worstBits: precisionBits(w),
      meanBits: precisionBits(s / ev.slots),
      level: out.level,
      ms: Object.fromEntries(Object.entries(ms).map(([key, v]) => [key, Math.round(v)])),
      ...(k === 0 ? { counts } : {}),
    });
    for (const x of [a, c, ct, out, t]) ev.free(x);
  }
  const report = {
    preset: preset.name,
    ringDegree: preset.ringDegree,
    chain: preset.chainBits.join('-'),
    totalBits: preset.totalBits,
    insecure: preset.insecure === true,
    slots: n,
    depth: params.depth,
    levelsLeft: params.outputLevel,
    samples,
    worstBits: precisionBits(worst),
    meanBits: precisionBits(sum / count),
    runs,
    keyBytes,
    seconds: {
      keyOwner: (tOwner - t0) / 1000,
      keyGeneration: (tKeys - tOwner) / 1000,
      evaluatorAndKeyLoad: (tEv - tKeys) / 1000,
      transforms: (tPlan - tEv) / 1000,
    },
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  ev.inner.dispose();
  owner.dispose();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  // a SEAL instance after std::bad_alloc may spin on its lock: leave at once
  process.exit(1);
});
