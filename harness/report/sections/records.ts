/**
 * The data behind everything: every record flattened into one table per kind (folded away, as
 * they are wide), and the cells that failed, were skipped or are suspect, with their reasons.
 */
import { flatten } from '../../output';
import { notCompletedWhy, type ResultRecord } from '../../records';
import { type CellValue, badge, escapeHtml, table } from '../html';
import type { ReportSection } from '../section';
import { groupBy } from '../select';

/** Columns first in every data table; the rest follow in first-seen order. */
const LEAD = ['cell', 'state', 'algorithm', 'backend', 'preset', 'slots'];

/** The failures section: only present when some cell did not complete plainly. */
export const failuresSection: ReportSection = {
  id: 'failures',
  title: 'Failed, suspect and skipped cells',
  async render(ctx) {
    const bad = ctx.records.filter((r) => r.state !== 'completed');
    if (bad.length === 0) return null;
    const suspect = bad.filter((r) => r.state === 'suspect').length;
    return (
      `<p class="${suspect > 0 ? 'bad' : ''}">${bad.length} cell(s) did not complete plainly; their figures are left out above` +
      (suspect > 0
        ? `. ${suspect} ran but are <strong>suspect</strong>: their figures failed a sanity check (reason below) and are not to be believed`
        : '') +
      '.</p>' +
      table(
        ['kind', 'cell', 'state', 'message or reason', 'run'],
        bad.map((r) => [r.kind, r.cell, badge(r.state, r.state === 'skipped' ? 'neutral' : 'bad'), notCompletedWhy(r), r.meta?.run]),
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
    const { meta, ...rest } = r;
    return { ...flatten(rest), 'meta.run': meta?.run };
  });
  const seen = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const columns = [...LEAD.filter((c) => seen.includes(c)), ...seen.filter((c) => !LEAD.includes(c))];
  return table(
    columns,
    flat.map((r) => columns.map((c) => r[c] as CellValue)),
    { cls: 'data' },
  );
}
