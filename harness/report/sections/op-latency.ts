/**
 * Per-op latency (from `hetal-bench ops`): median ms of each CKKS operation at each level. An
 * algorithm's time is roughly its op counts times these, which is how matmul times measured
 * here can be related to the paper's counts without comparing hardware.
 */
import { para, table } from '../html';
import type { ReportSection } from '../section';
import { distinct, groupBy, num, setupLabel } from '../select';

/** The op-latency section. */
export const opLatencySection: ReportSection = {
  id: 'op-latency',
  title: 'Per-op latency',
  async render(ctx) {
    const records = ctx.ops.filter((r) => typeof r.op === 'string' && num(r.level) !== undefined && num(r.timeMs?.median) !== undefined);
    if (records.length === 0) return null;
    const parts = [
      para(
        'Median milliseconds per call of each operation on a ciphertext at the given level (level 0 = no rescale left; ' +
          'lower levels are cheaper). Blank: the operation needs a level the ciphertext no longer has.',
      ),
    ];
    for (const [setup, rs] of groupBy(records, (r) => `${setupLabel(r)}, ${r.slots} slots`)) {
      const levels = distinct(rs.map((r) => r.level)).sort((a, b) => b - a);
      const rows = [...groupBy(rs, (r) => r.op)].map(([op, list]) => [
        op,
        ...levels.map((l) => list.filter((r) => r.level === l).pop()?.timeMs.median),
      ]);
      parts.push(table(['op', ...levels.map((l) => `level ${l}`)], rows, { caption: `${setup}: median ms` }));
    }
    return parts.join('\n');
  },
};
