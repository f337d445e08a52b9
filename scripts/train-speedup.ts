/**
 * Measures one encrypted training step of the paper's MNIST workload (batch 1024, random768
 * features) with the old policy (--input-level top --relin eager --workers 1) and with the
 * defaults (auto, lazy, WORKERS workers) in ONE process, alternately: defaults, old, defaults,
 * ... (ROUNDS old runs between ROUNDS + 1 default runs), so that on a shared machine each old run
 * sits between two default runs. Each run is a child process of its own (one SEAL session per
 * process, as the CLI: a process's WebAssembly memory does not shrink after a session). The step
 * time is the wall time of the step alone (the trainer's 'step' phase: products, softmax,
 * refreshes and update; not the validation pass), and its CPU time over all threads (the work
 * done, whatever cores the machine gives); the phases are the trainer's timeMs (whose
 * refresh also holds the validation pass's). One JSON line per run on stdout, a summary on stderr
 * with the machine's thread capacity before each run.
 * Run: node -r ts-node/register/transpile-only scripts/train-speedup.ts [WORKERS] [ROUNDS] [BACKEND] [PRESET]
 * e.g. 2 1 seal n14
 */
import { spawnSync } from 'node:child_process';
import { createSession } from '../algorithms/ckks/session';
import type { RelinPolicy } from '../algorithms/ckks/types';
import { EvaluatorPool } from '../algorithms/parallel/pool';
import { getSoftmax } from '../algorithms/softmax/registry';
import { prepareTraining, trainEncrypted } from '../algorithms/training/encrypted';
import { loadDataset } from '../datasets';
import { capacity } from './capacity';

interface Policy {
  name: 'old' | 'defaults';
  inputLevel: 'top' | 'auto';
  relin: RelinPolicy;
  workers: number;
}

/** What one run reports (one JSON line of a child process). */
interface RunResult {
  policy: Policy['name'];
  stepMs: number;
  stepCpuMs: number;
  validationMs: number;
  timeMs: Record<string, number>;
}

/** One training run with `policy` in this process; its result as a JSON line on stdout. */
async function runOne(policy: Policy, backend: string, preset: string): Promise<void> {
  const data = await loadDataset('mnist', { seed: 1, limit: 1365, features: 'random768' });
  const hyper = { lr: 2, batch: 1024, epochs: 1, optimizer: 'nesterov', earlyStopping: false, patience: 3, seed: 1 } as const;
  const softmax = getSoftmax('hetal');
  const session = await createSession(backend, preset, { seed: 1, relin: policy.relin });
  let pool: EvaluatorPool | null = null;
  try {
    prepareTraining(session, data, hyper, softmax);
    pool = policy.workers > 1 ? await EvaluatorPool.start(session, policy.workers, { seed: 1 }) : null;
    const started = new Map<string, [number, number]>();
    const wall: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    // the process's CPU time (every thread's, the workers' too), ms
    const cpuNow = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const out = await trainEncrypted(session, data, hyper, softmax, {
      inputLevel: policy.inputLevel,
      pool,
      onPhase: (phase, edge) => {
        if (edge === 'start') started.set(phase, [performance.now(), cpuNow()]);
        else {
          const [t0, c0] = started.get(phase)!;
          wall[phase] = (wall[phase] ?? 0) + performance.now() - t0;
          cpu[phase] = (cpu[phase] ?? 0) + cpuNow() - c0;
        }
      },
    });
    const result = {
      ...policy,
      stepMs: wall.step!,
      stepCpuMs: cpu.step!,
      validationMs: wall.validation!,
      timeMs: out.timeMs,
      ops: out.ops,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pool?.destroy();
    session.dispose();
  }
}

/** Runs `policy` in a child process (one SEAL session per process, as the CLI), returns its result. */
function runChild(policy: Policy, backend: string, preset: string): RunResult {
  const child = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, '--one', JSON.stringify(policy), backend, preset],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
  );
  if (child.status !== 0) throw new Error(`the ${policy.name} run failed (exit ${child.status})`);
  process.stdout.write(child.stdout);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RunResult;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--one') return runOne(JSON.parse(process.argv[3]!) as Policy, process.argv[4]!, process.argv[5]!);
  const [workersText = '2', roundsText = '1', backend = 'seal', preset = 'n14'] = process.argv.slice(2);
  const workers = Number(workersText);
  const rounds = Number(roundsText);
  const defaults: Policy = { name: 'defaults', inputLevel: 'auto', relin: 'lazy', workers };
  const old: Policy = { name: 'old', inputLevel: 'top', relin: 'eager', workers: 1 };
  const order = [defaults, ...Array.from({ length: rounds }, () => [old, defaults]).flat()];
  const steps: Record<Policy['name'], number[]> = { old: [], defaults: [] };
  const cpus: Record<Policy['name'], number[]> = { old: [], defaults: [] };
  const capacities: string[] = [];
  const f = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(1);
  for (const policy of order) {
    capacities.push((await capacity(2)).speedup.toFixed(2));
    const r = runChild(policy, backend, preset);
    steps[policy.name].push(r.stepMs);
    cpus[policy.name].push(r.stepCpuMs);
    const t = r.timeMs;
    process.stderr.write(
      `${policy.name} (input-level ${policy.inputLevel}, relin ${policy.relin}, workers ${policy.workers}): step ${f(r.stepMs)} s, CPU ${f(r.stepCpuMs)} s ` +
        `(abt ${f(t.abt)}, atb ${f(t.atb)}, softmax ${f(t.softmax)}, refresh ${f(t.refresh)}); validation pass ${f(r.validationMs)} s\n`,
    );
  }
  capacities.push((await capacity(2)).speedup.toFixed(2));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stderr.write(`machine: 2-thread capacity before each run and at the end: ${capacities.join(', ')}\n`);
  process.stderr.write(
    `step: old ${steps.old.map(f).join(', ')} s; defaults ${steps.defaults.map(f).join(', ')} s; ` +
      `old / mean(defaults) = ${(mean(steps.old) / mean(steps.defaults)).toFixed(2)}; ` +
      `CPU time (all threads) old / mean(defaults) = ${(mean(cpus.old) / mean(cpus.defaults)).toFixed(2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`train-speedup: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
