/** Run metadata: which runs the records come from, on what machine and software, with which seeds. */
import { table } from '../html';
import type { ReportSection } from '../section';
import { distinct, groupBy } from '../select';

/** The run-metadata section. */
export const runMetadataSection: ReportSection = {
  id: 'metadata',
  title: 'Run metadata',
  async render(ctx) {
    const withMeta = ctx.records.filter((r) => r.meta && typeof r.meta === 'object');
    if (withMeta.length === 0) return null;
    const rows = [...groupBy(withMeta, runOf)].map(([run, rs]) => {
      const times = rs
        .map((r) => r.meta.timestamp)
        .filter((t): t is string => typeof t === 'string')
        .sort();
      const one = (f: (m: (typeof rs)[number]['meta']) => unknown) =>
        distinct(rs.map((r) => f(r.meta)).filter((v) => v !== undefined && v !== null && v !== '')).join(', ');
      return [
        run,
        stamp(times[0]),
        times.length > 1 ? stamp(times[times.length - 1]) : '',
        rs.length,
        distinct(rs.map((r) => r.kind)).join(', '),
        one((m) => m.gitCommit),
        one((m) => m.node),
        one((m) => m.nodeSeal),
        one((m) => m.cpu),
        one((m) => m.cores),
        one((m) => m.seed),
      ];
    });
    return (
      '<p>One row per run: one CLI invocation, or one sweep (whose cells run as processes of their own). ' +
      'Times are comparable only between rows of the same machine.</p>' +
      table(['run', 'first record', 'last record', 'records', 'kinds', 'git commit', 'Node', 'node-seal', 'CPU', 'cores', 'seeds'], rows)
    );
  },
};

/** The run a record belongs to: its sweep's run id when a sweep wrote it, else its own. */
function runOf(r: { meta: { run?: string }; sweepRun?: unknown }): string {
  return typeof r.sweepRun === 'string' ? r.sweepRun : String(r.meta.run ?? '?');
}

/** An ISO timestamp shortened for a table: date and time to the second, UTC. */
function stamp(t: string | undefined): string {
  return t ? t.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '';
}
