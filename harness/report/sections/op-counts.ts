/**
 * Op counts against the paper's Table 7: measured CMult / Mult / Rot of each matmul algorithm
 * and shape beside the paper's, marked equal or different. Counts do not depend on hardware,
 * so these must match exactly; the paper's figures come from the record's `paper` field (the
 * matmul command fills it for the cells Table 7 has: 2^15 slots, s0 = a).
 */
import type { MatmulRecord } from '../../records';
import { type CellValue, badge, escapeHtml, para, raw, table } from '../html';
import type { ReportSection } from '../section';
import { algorithmName, algorithmRank, compareShapes, distinct, groupBy, num, setupLabel, shapeLabel } from '../select';

const COUNTS = ['cmult', 'mult', 'rot'] as const;
type Count = (typeof COUNTS)[number];
const COUNT_NAMES: Record<Count, string> = { cmult: 'CMult', mult: 'Mult', rot: 'Rot' };

/** Verdict of one record against the paper. */
export interface OpCountVerdict {
  measured: Record<Count, number | undefined>;
  paper: Record<Count, number> | null;
  /** counts that differ from the paper's (empty when equal; null without a paper figure) */
  differing: Count[] | null;
}

/** Compares a matmul record's counts with the paper's figures it carries. */
export function opCountVerdict(r: MatmulRecord): OpCountVerdict {
  const measured = { cmult: num(r.ops?.cmult), mult: num(r.ops?.mult), rot: num(r.ops?.rot) };
  const p = r.paper;
  if (!p || COUNTS.some((k) => num(p[k]) === undefined)) return { measured, paper: null, differing: null };
  return { measured, paper: p, differing: COUNTS.filter((k) => measured[k] !== p[k]) };
}

/** The op-count section. */
export const opCountsSection: ReportSection = {
  id: 'op-counts',
  title: "Op counts against the paper's Table 7",
  async render(ctx) {
    const records = ctx.matmul.filter((r) => r.ops && r.shape);
    if (records.length === 0) return null;
    const parts: string[] = [];
    const verdicts = records.map(opCountVerdict);
    const withPaper = verdicts.filter((v) => v.differing !== null);
    const equal = withPaper.filter((v) => v.differing!.length === 0).length;
    parts.push(
      para(
        "CMult / Mult / Rot per call, measured by the backend's op counters, beside the paper's measured Table 7 " +
          '(HEaaN, 2^15 slots, s0 = a). Op counts do not depend on the hardware, so they should be equal, not just close.',
      ),
    );
    parts.push(
      para(
        "HETAL's DiagABT and DiagATB multiply each pair of diagonals by one complex mask, as the paper does (on node-seal a " +
          'complex plaintext built from two real encodes). Conjugations are counted apart (the detail table), as the ' +
          "paper's Rot has none: one real part per accumulated sum, and in DiagABT cPad/2 per block row in the row sums, " +
          "a cost of SEAL's slot order (its free imaginary unit is -i in odd slots) that HEaaN does not have. With the " +
          'weights a level above the data, as training refreshes them where it pays, DiagABT takes its signed form instead (B more CMult, ' +
          "no row-sum conjugations; diag-abt.ts). DiagATB runs here with --atb-sums per-pair, the paper's column sums.",
        'note',
      ),
    );
    parts.push(
      withPaper.length > 0
        ? `<p><strong>${equal} of ${withPaper.length}</strong> cells with a paper figure match all three counts exactly` +
            (withPaper.length - equal > 0
              ? `; <strong>${withPaper.length - equal}</strong> ${withPaper.length - equal === 1 ? 'differs' : 'differ'} (marked below).`
              : '.') +
            '</p>'
        : para(
            'None of these records carries a paper figure (the paper has counts only at 2^15 slots, s0 = a, for its five shapes).',
            'note',
          ),
    );

    // one Table 7-shaped grid per setup and slot count: rows shapes, columns algorithms
    // setups the paper has counts for first
    const groups = [...groupBy(records, (r) => `${setupLabel(r)}, ${r.slots} slots`)].sort(
      ([, x], [, y]) => Number(y.some((r) => r.paper)) - Number(x.some((r) => r.paper)),
    );
    for (const [group, rs] of groups) {
      const algos = distinct(rs.map((r) => r.algorithm)).sort((a, b) => algorithmRank(a) - algorithmRank(b) || a.localeCompare(b));
      const shapes = distinct(rs.map((r) => shapeLabel(r.shape)));
      const byShape = [...groupBy(rs, (r) => shapeLabel(r.shape)).values()].sort((x, y) => compareShapes(x[0]!.shape, y[0]!.shape));
      const anyPaper = rs.some((r) => opCountVerdict(r).paper !== null);
      const rows: CellValue[][] = byShape.map((list) => [
        shapeLabel(list[0]!.shape),
        ...algos.map((a) => {
          const r = list.filter((x) => x.algorithm === a).pop();
          return r ? raw(gridCell(opCountVerdict(r), anyPaper)) : '';
        }),
      ]);
      parts.push(`<h3>${escapeHtml(group)}</h3>`);
      const caption =
        `CMult / Mult / Rot per call, ${shapes.length} shape(s)` + (anyPaper ? '' : ' (the paper has no counts for this setting)');
      parts.push(table(['(a, b, c)', ...algos.map(algorithmName)], rows, { caption, cls: 'grid' }));
    }

    const detail = records
      .slice()
      .sort(
        (x, y) =>
          setupLabel(x).localeCompare(setupLabel(y)) ||
          compareShapes(x.shape, y.shape) ||
          algorithmRank(x.algorithm) - algorithmRank(y.algorithm),
      )
      .map((r) => {
        const v = opCountVerdict(r);
        return [
          shapeLabel(r.shape),
          algorithmName(r.algorithm),
          setupLabel(r),
          r.slots,
          r.block ? `${r.block.s0} × ${r.block.s1}` : '',
          r.complexPacking === undefined ? '' : r.complexPacking ? 'yes' : 'no',
          ...COUNTS.flatMap((k): CellValue[] => [countCell(v, k), v.paper?.[k]]),
          num(r.ops?.keyswitch),
          num(r.ops?.conj),
          num(r.depth),
          verdictBadge(v),
        ];
      });
    parts.push(
      '<details><summary>Every op-count record in detail</summary>' +
        table(
          [
            '(a, b, c)',
            'algorithm',
            'setup',
            'slots',
            'block s0 × s1',
            'two diagonals per product',
            'CMult',
            'paper',
            'Mult',
            'paper',
            'Rot',
            'paper',
            'key switches',
            'conjugations',
            'depth',
            'verdict',
          ],
          detail,
        ) +
        '</details>',
    );
    return parts.join('\n');
  },
};

function triple(c: Record<Count, number | undefined>): string {
  return COUNTS.map((k) => (c[k] === undefined ? '?' : String(c[k]))).join(' / ');
}

function gridCell(v: OpCountVerdict, groupHasPaper: boolean): string {
  const measured = `<span class="counts">${escapeHtml(triple(v.measured))}</span>`;
  if (v.differing === null) return groupHasPaper ? `${measured} ${badge('no paper figure', 'neutral').html}` : measured;
  if (v.differing.length === 0) return `${measured} ${badge('= paper', 'good').html}`;
  return `${measured} ${badge('differs', 'bad').html}<br><span class="note">paper ${escapeHtml(triple(v.paper!))}</span>`;
}

function countCell(v: OpCountVerdict, k: Count): CellValue {
  const m = v.measured[k];
  if (m === undefined) return '';
  return v.differing?.includes(k) ? raw(`<strong class="diff">${m}</strong>`, { numeric: true }) : m;
}

function verdictBadge(v: OpCountVerdict) {
  if (v.differing === null) return badge('no paper figure', 'neutral');
  if (v.differing.length === 0) return badge('equal', 'good');
  return badge(`different: ${v.differing.map((k) => COUNT_NAMES[k]).join(', ')}`, 'bad');
}
