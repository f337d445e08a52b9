/**
 * The cost model beside the measurements: every seal record's predicted time (its op counts by
 * level x this machine's latency table, harness/cost/) next to its measured wall and CPU time,
 * and the estimates of `hetal-bench estimate` (the paper's training runs) beside the paper's times.
 */
import { para, table } from '../html';
import type { ReportSection } from '../section';
import { num } from '../select';
import type { EstimateRecord, MatmulRecord, SoftmaxRecord, TrainRecord } from '../../records';

type Predicted = MatmulRecord | SoftmaxRecord | TrainRecord;

function what(r: Predicted): string {
  if (r.kind === 'matmul') return `${r.algorithm} ${r.shape.a}x${r.shape.b}x${r.shape.c}`;
  if (r.kind === 'softmax') return `${r.algorithm}, ${r.classes} classes, one block`;
  return `${r.dataset} training (${r.epochs} epochs, batch ${r.hyper.batch})`;
}

/** The performance policy a record ran with (input level, relinearization, workers), where it says. */
function policy(r: Predicted): string {
  const p = r as { inputLevel?: string; relin?: string; atbSums?: string; workers?: number };
  return [
    p.inputLevel,
    p.relin,
    p.atbSums && `${p.atbSums} sums`,
    p.workers !== undefined ? `${p.workers} worker${p.workers === 1 ? '' : 's'}` : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(', ');
}

function measuredMs(r: Predicted): number | undefined {
  return r.kind === 'train' ? num(r.timeMs?.total) : num(r.timeMs?.median);
}

/** The cost-model section. */
export const costModelSection: ReportSection = {
  id: 'cost-model',
  title: 'Cost model: predicted and measured times',
  async render(ctx) {
    const predicted: Predicted[] = [];
    const estimates: EstimateRecord[] = [];
    for (const r of ctx.records) {
      if (r.state !== 'completed') continue;
      if (r.kind === 'estimate') estimates.push(r);
      else if ((r.kind === 'matmul' || r.kind === 'softmax' || r.kind === 'train') && num(r.predictedMs) !== undefined) predicted.push(r);
    }
    if (predicted.length === 0 && estimates.length === 0) return null;
    const parts: string[] = [];
    if (predicted.length > 0) {
      parts.push(
        para(
          "Predicted: the record's operation counts at each level times the median CPU time of each operation at that level on this machine " +
            '(hetal-bench ops, cached per machine). Overhead = measured / predicted: the wall-time overhead also counts other jobs sharing the cores; ' +
            "the CPU overhead is the model's own error.",
        ),
      );
      parts.push(
        table(
          ['record', 'setup', 'policy', 'measured s', 'predicted s', 'overhead (wall)', 'CPU s', 'overhead (CPU)'],
          predicted.map((r) => [
            what(r),
            `${r.backend}/${r.preset}`,
            policy(r),
            (measuredMs(r) ?? NaN) / 1000,
            r.predictedMs! / 1000,
            num(r.overhead),
            num(r.cpuMs) !== undefined ? r.cpuMs! / 1000 : undefined,
            num(r.cpuOverhead),
          ]),
          { caption: 'seal records and their predictions' },
        ),
      );
    }
    const training = estimates.filter((r) => r.target === 'train');
    if (training.length > 0) {
      parts.push(
        para(
          'Estimated training times on seal from simulator op counts (a few simulated steps, one validation and one test block, ' +
            'multiplied by the run; every epoch run; workers divide the parallel part at 0.9 efficiency). The paper: HEaaN on a GPU.',
        ),
      );
      parts.push(
        table(
          ['run', 'preset', 'workers', 'batch', 'blocks', 'steps', 'step s', 'training s', "paper's step s", "paper's total s"],
          training.map((r) => [
            r.dataset,
            r.preset,
            r.workers,
            r.batch,
            r.blocks,
            r.steps,
            r.predicted?.stepS,
            r.predicted?.trainS,
            r.paper?.stepS ?? '',
            r.paper?.totalS ?? '',
          ]),
          { caption: 'hetal-bench estimate' },
        ),
      );
    }
    const matmul = estimates.filter((r) => r.target === 'matmul');
    if (matmul.length > 0) {
      parts.push(
        table(
          ['algorithm', 'shape', 'preset', 'workers', 'predicted s', 'key switches'],
          matmul.map((r) => [r.algorithm, r.shape, r.preset, r.workers, r.predictedMs / 1000, r.keyswitches]),
          { caption: 'estimated matmul calls' },
        ),
      );
    }
    return parts.join('\n');
  },
};
