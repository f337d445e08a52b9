/**
 * The data behind everything: every record flattened into one table per kind (folded away, as
 * they are wide), and the cells that failed or were skipped, with their messages.
 */
import { flatten } from '../../output';
import type { ResultRecord } from '../../records';
import { type CellValue, escapeHtml, table } from '../html';
import type { ReportSection } from '../section';
import { groupBy } from '../select';

/** Columns first in every data table; the rest follow in first-seen order. */
const LEAD = ['cell', 'state', 'algorithm', 'backend', 'preset', 'slots'];

/** The failures section: only present when some cell did not complete. */
export const failuresSection: ReportSection = {
  id: 'failures',
  title: 'Failed and skipped cells',
  async render(ctx) {
    const bad = ctx.records.filter((r) => r.state !== 'completed');
    if (bad.length === 0) return null;
    return (
      `<p>${bad.length} cell(s) did not complete; their figures are missing above.</p>` +
      table(
        ['kind', 'cell', 'state', 'message', 'run'],
        bad.map((r) => [r.kind, r.cell, r.state, r.message ?? '', r.meta?.run]),
        { wrap: [3] },
      )
    );
  },
};

/** The data-tables section. */
export const recordsSection: ReportSection = {
  id: 'records',
  title: 'Data tables',
  async render(ctx) {
    if (ctx.records.length === 0) return null;
    const parts = ['<p>Every record, flattened (nested fields as dotted names, lists as JSON); run metadata is in its own section.</p>'];
    for (const [kind, rs] of groupBy(ctx.records, (r) => r.kind)) {
      parts.push(`<details><summary>${escapeHtml(kind)}: ${rs.length} record(s)</summary>${dataTable(rs)}</details>`);
    }
    return parts.join('\n');
  },
};

function dataTable(records: ResultRecord[]): string {
  const flat = records.map((r): Record<string, unknown> => {
    const { meta, ...rest } = r as ResultRecord & { meta?: { run?: string } };
    return { ...flatten(rest as Record<string, unknown>), 'meta.run': meta?.run };
  });
  const seen = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const columns = [...LEAD.filter((c) => seen.includes(c)), ...seen.filter((c) => !LEAD.includes(c))];
  return table(
    columns,
    flat.map((r) => columns.map((c) => r[c] as CellValue)),
    { cls: 'data' },
  );
}
