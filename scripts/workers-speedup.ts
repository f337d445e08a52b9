/**
 * Measures the speed-up of worker threads on matmul cells in ONE process (on a shared machine,
 * only ratios within one run mean anything): one session and key set, then the same cells
 * alternately on 1 and on N workers, ROUNDS times each; one JSON record per cell and run on
 * stdout (the matmul command's records), then a summary line per algorithm on stderr, with the
 * speed-up that many threads of plain arithmetic had on the machine around each round (other
 * jobs take cores: the ceiling of what the workers can show).
 * Run: node -r ts-node/register/transpile-only scripts/workers-speedup.ts BACKEND PRESET SHAPE ALGOS WORKERS ROUNDS INPUT-LEVEL RELIN
 * e.g. seal n14 512x769x4 diag-abt,diag-atb 2 2 auto lazy
 */
import { resolvePreset } from '../algorithms/ckks/presets';
import { createSession } from '../algorithms/ckks/session';
import { matmulAlgorithm } from '../algorithms/matmul/registry';
import { type CellBase, parseShape, runCells } from '../harness/commands/matmul';
import { newRunId } from '../harness/metadata';
import { type FailedRecord, isMeasured, type MatmulRecord } from '../harness/records';
import { capacity } from './capacity';

/** The machine's thread capacity now, as printed: the speed-up and the two times. */
async function capacityLine(threads: number): Promise<string> {
  const c = await capacity(threads);
  return `${c.speedup.toFixed(2)} (1 thread ${c.oneMs.toFixed(0)} ms, ${threads} threads ${c.manyMs.toFixed(0)} ms)`;
}

async function main(): Promise<void> {
  const [backend = 'sim', presetName = 'n14', shapeText = '512x769x4', algoIds = 'diag-abt,diag-atb', n = '2', rounds = '2'] =
    process.argv.slice(2);
  const inputLevel = (process.argv[8] ?? 'auto') as 'auto' | 'top';
  const relin = (process.argv[9] ?? 'lazy') as 'lazy' | 'eager';
  const preset = resolvePreset(presetName);
  const shape = parseShape(shapeText);
  const algos = algoIds.split(',').map(matmulAlgorithm);
  const params = { slots: preset.slots, maxLevel: preset.levels, supportsComplex: true };
  const session = await createSession(backend, preset, {
    relin,
    rotationSteps: algos.flatMap((a) => a.rotationSteps(a.plan(shape, params))),
  });
  const run = newRunId();
  const cells: CellBase[] = algos.map((algo) => ({
    algo,
    shape,
    backend,
    preset: preset.name,
    realOnly: false,
    perf: { inputLevel, relin, atbSums: 'shared' as const },
    run,
    seed: 1,
  }));
  const times = new Map<string, number[]>();
  const emit = (r: MatmulRecord | FailedRecord): void => {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    if (!isMeasured(r) || r.kind !== 'matmul') return;
    const key = `${r.algorithm} workers=${r.workers}`;
    times.set(key, [...(times.get(key) ?? []), r.timeMs.median]);
  };
  const capacities: string[] = [];
  try {
    for (let round = 0; round < Number(rounds); round++) {
      capacities.push(await capacityLine(Number(n)));
      for (const workers of [1, Number(n)]) await runCells(session, cells, 1, emit, { workers });
    }
    capacities.push(await capacityLine(Number(n)));
  } finally {
    session.dispose();
  }
  process.stderr.write(
    `machine: the speed-up ${n} threads of plain arithmetic could have, before each round and at the end: ${capacities.join('; ')}\n`,
  );
  for (const algo of algos) {
    const one = times.get(`${algo.id} workers=1`) ?? [];
    const many = times.get(`${algo.id} workers=${n}`) ?? [];
    const ratios = one.map((t, i) => t / many[i]!);
    process.stderr.write(
      `${algo.id} ${shapeText} ${backend}/${preset.name} input-level=${inputLevel} relin=${relin}: 1 worker ${one.map((t) => t.toFixed(0)).join(', ')} ms; ` +
        `${n} workers ${many.map((t) => t.toFixed(0)).join(', ')} ms; speed-up per round ${ratios.map((r) => r.toFixed(2)).join(', ')}\n`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`workers-speedup: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
