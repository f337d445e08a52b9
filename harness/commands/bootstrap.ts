/**
 * `hetal-bench bootstrap`: one CKKS bootstrap measured at a preset (algorithms/ckks/bootstrap/):
 * precision in bits (worst and mean over the slots of K random inputs in [-1, 1]; complex ones,
 * both parts in [-1, 1], for a sparse packing), levels left, wall time by stage (median over the
 * K bootstraps, and the one-off construction of the transforms), the evaluation keys' memory and
 * the op counts of one bootstrap; beside it, a client-aided refresh of a ciphertext of the same
 * preset (time and bytes moved). One BootstrapRecord per run.
 */
import { type Command, Option } from 'commander';
import {
  BOOTSTRAP_STAGES,
  type BootstrapStage,
  Bootstrapper,
  bootstrapErrorBound,
  bootstrapRotationSteps,
} from '../../algorithms/ckks/bootstrap/bootstrapper';
import { precisionBits } from '../../algorithms/ckks/precision';
import { listPresets, presetFor } from '../../algorithms/ckks/presets';
import { refuseIfBootstrapKeysTooBig } from '../memory';
import { createSession, diffTranscripts } from '../../algorithms/ckks/session';
import { type Ct, diffCounts, type Evaluator } from '../../algorithms/ckks/types';
import { InputError } from '../../algorithms/errors';
import { uniformArray, uniformRng } from '../../algorithms/random';
import { cellKey, LIMITS } from '../cell';
import { newRunId, runMeta } from '../metadata';
import { type CommonOptions, parseChoice, parseInteger, type RefreshOptions, withCommonOptions, withRefreshOptions } from '../options';
import { RecordSink } from '../output';
import type { BootstrapRecord, Measured } from '../records';
import { sampleStats } from '../timing';

interface BootstrapOptions extends CommonOptions, RefreshOptions {
  preset: string;
  backend: string;
  samples: number;
  noise: boolean;
}

/** Registers `bootstrap`. */
export function registerBootstrap(program: Command): void {
  withCommonOptions(
    withRefreshOptions(program.command('bootstrap'), false)
      .description(
        'measure one CKKS bootstrap at a preset (precision, levels left, time by stage, key memory) beside a client-aided refresh',
      )
      .addOption(
        new Option(
          '--preset <id>',
          `a preset with a bootstrap: ${listPresets()
            .filter((p) => p.bootstrap)
            .map((p) => p.name)
            .join(', ')}`,
        ).default('boot14-test'),
      )
      .addOption(new Option('--backend <id>', 'sim or seal').default('sim'))
      .addOption(
        new Option('--samples <k>', 'bootstraps of random inputs in [-1, 1]')
          .default(4)
          .argParser((v) => parseInteger('--samples', v, 1, LIMITS.repeat)),
      )
      .option('--no-noise', "sim: exact slot arithmetic instead of SEAL-sized noise (ModRaise's overflow is modelled either way)"),
  ).action(async (opts: BootstrapOptions) => {
    const backend = parseChoice('--backend', opts.backend, ['sim', 'seal'] as const);
    const preset = presetFor(backend, opts.preset, { insecure: opts.insecure });
    const params = preset.bootstrap;
    if (!params) throw new InputError(`--preset ${preset.name} has no bootstrap (presets with one: see hetal-bench list)`);
    const sink = new RecordSink({
      json: opts.json,
      out: opts.out,
      columns: [
        'preset',
        'backend',
        'packing',
        'slots',
        'precision.worstBits',
        'precision.meanBits',
        'levels.left',
        'timeMs.total.median',
        'keyBytes',
        'clientRefresh.timeMs',
        'clientRefresh.bytes',
      ],
    });
    const log = (line: string) => process.stderr.write(`bootstrap ${backend} ${preset.name}: ${line}\n`);
    const noise = backend === 'sim' && opts.noise;
    const steps = bootstrapRotationSteps(params);
    if (backend === 'seal') refuseIfBootstrapKeysTooBig(preset, steps);
    log(`making keys (${steps.length} rotations and the encapsulation keys, h = ${params.sparseWeight})`);
    const session = await createSession(backend, preset, {
      seed: opts.seed,
      noise,
      insecure: opts.insecure,
      rotationKeys: 'declared',
      rotationSteps: steps,
      keyOptions: { bootstrap: { sparseWeight: params.sparseWeight } },
    });
    try {
      const ev = session.ev;
      const keyBytes = session.transcript.summary().byPurpose.keys?.toServer.bytes ?? 0;
      const t0 = performance.now();
      const b = new Bootstrapper(ev, params);
      const setupMs = performance.now() - t0;
      const rng = uniformRng(opts.seed);
      const stageTimes: Record<BootstrapStage, number[]> = Object.fromEntries(BOOTSTRAP_STAGES.map((s) => [s, []])) as never;
      const totals: number[] = [];
      let worst = 0,
        sum = 0,
        count = 0;
      let outLevel = -1;
      const before = ev.counts();
      let bootTranscript = diffTranscripts(session.transcript.summary(), session.transcript.summary());
      let bootCounts = diffCounts(before, before);
      for (let k = 0; k < opts.samples; k++) {
        ev.scope(() => {
          const re = uniformArray(rng, params.n, -1, 1);
          const im = params.packing === 'sparse' ? uniformArray(rng, params.n, -1, 1) : new Float64Array(params.n);
          const ct = encryptAtZero(ev, session.client, re, im, params.packing === 'sparse');
          const c0 = ev.counts();
          const timings: Partial<Record<BootstrapStage, number>> = {};
          const tr0 = session.transcript.summary();
          const t1 = performance.now();
          const out = b.bootstrap(ct, timings);
          totals.push(performance.now() - t1);
          // the server alone: no message crosses (checked by the record's transcript)
          bootTranscript = diffTranscripts(session.transcript.summary(), tr0);
          bootCounts = diffCounts(ev.counts(), c0);
          for (const s of BOOTSTRAP_STAGES) stageTimes[s].push(timings[s] ?? 0);
          outLevel = out.level;
          const got = decryptBoth(ev, session.client, out);
          for (let i = 0; i < ev.slots; i++) {
            const e = Math.hypot(got.re[i]! - re[i % params.n]!, got.im[i]! - im[i % params.n]!);
            worst = Math.max(worst, e);
            sum += e;
            count++;
          }
        });
        log(`bootstrap ${k + 1}/${opts.samples}: ${totals[k]!.toFixed(0)} ms`);
      }
      // the client-aided refresh of the same preset, for comparison: a real ciphertext at level 0
      const refreshMs: number[] = [];
      let refreshBytes = 0;
      for (let k = 0; k < opts.samples; k++) {
        ev.scope(() => {
          const ct = session.client.encrypt(uniformArray(rng, ev.slots, -1, 1), 0);
          const c0 = ev.counts();
          session.rf.refresh(ct);
          const d = diffCounts(ev.counts(), c0);
          refreshMs.push(d.refreshMs);
          refreshBytes = d.refreshBytes;
        });
      }
      const bound = bootstrapErrorBound(params, preset, params.packing === 'sparse' ? Math.SQRT2 : 1);
      const verdict: Measured =
        worst <= bound && Number.isFinite(worst)
          ? { state: 'completed' }
          : { state: 'suspect', reason: `worst error ${worst.toExponential(2)} above the bootstrap's bound ${bound.toExponential(2)}` };
      const record: BootstrapRecord = {
        kind: 'bootstrap',
        ...verdict,
        cell: cellKey('bootstrap', {
          backend,
          preset: preset.name,
          samples: opts.samples,
          seed: opts.seed,
          ...(backend === 'sim' ? { noise } : {}),
        }),
        algorithm: 'bootstrap',
        backend,
        preset: preset.name,
        ...(preset.insecure ? { insecure: true } : {}),
        slots: params.n,
        ringSlots: params.ringSlots,
        packing: params.packing,
        inputs: params.packing === 'sparse' ? 'complex, both parts uniform in [-1, 1]' : 'real, uniform in [-1, 1]',
        sparseWeight: params.sparseWeight,
        transforms: { coeffToSlot: params.coeffToSlot, slotToCoeff: params.slotToCoeff },
        evalMod: params.evalMod,
        errorKind: backend === 'seal' ? 'ckks' : noise ? 'sim-noise' : 'exact-sim',
        precision: { worstBits: precisionBits(worst), meanBits: precisionBits(sum / count), maxAbs: worst, meanAbs: sum / count, bound },
        levels: { top: preset.levels, output: outLevel, left: outLevel, depth: params.depth, byStage: params.levels },
        timeMs: {
          total: sampleStats(totals),
          setup: setupMs,
          byStage: Object.fromEntries(BOOTSTRAP_STAGES.map((s) => [s, sampleStats(stageTimes[s]).median])) as Record<
            BootstrapStage,
            number
          >,
        },
        ops: bootCounts,
        rotationKeys: steps.length,
        keyBytes,
        clientRefresh: { timeMs: sampleStats(refreshMs).median, bytes: refreshBytes },
        transcript: bootTranscript,
        deviations: [
          ...(backend === 'sim' ? ['simulator: ModRaise, encapsulation and noise modelled on the slots, no encryption'] : []),
          ...(preset.insecure ? [`preset ${preset.name} has no security claim (a test preset, run with --insecure)`] : []),
        ],
        meta: runMeta(newRunId(), opts.seed),
      };
      sink.push(record);
    } finally {
      session.dispose();
    }
    sink.finish();
  });
}

/** re + i*im at level 0 (period n): two encryptions and an exact multiplication by i. */
function encryptAtZero(
  ev: Evaluator,
  client: { encrypt(v: ArrayLike<number>, level?: number): Ct },
  re: Float64Array,
  im: Float64Array,
  complex: boolean,
): Ct {
  const rep = (v: Float64Array) => Float64Array.from({ length: ev.slots }, (_, i) => v[i % v.length]!);
  const a = client.encrypt(rep(re), 0);
  return complex ? ev.add(a, ev.mulI(client.encrypt(rep(im), 0))) : a;
}

/** The complex slots: the client decrypts real parts, so the imaginary part is Re(-i * ct). */
function decryptBoth(ev: Evaluator, client: { decrypt(ct: Ct): Float64Array }, ct: Ct): { re: Float64Array; im: Float64Array } {
  return { re: client.decrypt(ct), im: client.decrypt(ev.negate(ev.mulI(ct))) };
}
