/**
 * The section interface: each report section is one file exporting one object (vega-lite's one
 * compiler per file), listed in sections/index.ts. A section looks at the records and returns
 * its HTML, or null when the records hold nothing for it (the section is then left out).
 */
import type { ChartRenderer } from './charts';
import type { BootstrapRecord, MatmulRecord, MeasuredRecord, OpsRecord, ResultRecord, SoftmaxRecord, TrainRecord } from '../records';

/** What a section is given. */
export interface ReportContext {
  /** every record, de-duplicated, any state */
  readonly records: readonly ResultRecord[];
  /** completed records by kind (suspect ones are not figures to believe) */
  readonly matmul: readonly MatmulRecord[];
  readonly softmax: readonly SoftmaxRecord[];
  readonly train: readonly TrainRecord[];
  readonly ops: readonly OpsRecord[];
  readonly bootstrap: readonly BootstrapRecord[];
  readonly charts: ChartRenderer;
}

/** One section of the report. */
export interface ReportSection {
  /** anchor id */
  readonly id: string;
  /** heading (and table-of-contents entry) */
  readonly title: string;
  /** The section body, or null when there is nothing to show. */
  render(ctx: ReportContext): Promise<string | null>;
}

/**
 * The context for `records`. Only completed records feed the figures: a suspect one (its error
 * above the CKKS bound, a diverged run) is listed with its reason in the failures section.
 */
export function makeContext(records: readonly ResultRecord[], charts: ChartRenderer): ReportContext {
  const done = records.filter((r): r is MeasuredRecord => r.state === 'completed');
  return {
    records,
    charts,
    matmul: done.filter((r): r is MatmulRecord => r.kind === 'matmul'),
    softmax: done.filter((r): r is SoftmaxRecord => r.kind === 'softmax'),
    train: done.filter((r): r is TrainRecord => r.kind === 'train'),
    ops: done.filter((r): r is OpsRecord => r.kind === 'ops'),
    bootstrap: done.filter((r): r is BootstrapRecord => r.kind === 'bootstrap'),
  };
}
