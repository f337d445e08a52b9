/**
 * The protocol's cost: for every encrypted record, the messages and bytes that crossed between
 * the client (key owner) and the server, each way and by purpose (evaluation keys, data upload,
 * refreshes, validation, inference, the final model). The client-aided refresh is the visible
 * deviation from the paper's non-interactive protocol; this section shows what it costs.
 */
import type { TranscriptSummary } from '../../../algorithms/ckks/session';
import type { ResultRecord } from '../../records';
import { formatBytes, para, table } from '../html';
import type { ReportSection } from '../section';
import { setupLabel } from '../select';

/** Purposes in protocol order. */
const PURPOSES = ['keys', 'data', 'refresh', 'validation', 'inference', 'model', 'result'] as const;

function transcriptOf(r: ResultRecord): TranscriptSummary | null {
  const t = (r as { transcript?: TranscriptSummary }).transcript;
  return t && typeof t === 'object' && t.toServer && t.toClient ? t : null;
}

const cell = (m: number, b: number): string => (m === 0 ? '' : `${m} / ${formatBytes(b)}`);

export const protocolSection: ReportSection = {
  id: 'protocol',
  title: 'Protocol transcript: client and server messages',
  async render(ctx) {
    const rows = ctx.records.filter((r) => r.state === 'completed' && transcriptOf(r) !== null && r.kind !== 'matmul');
    if (rows.length === 0) return null;
    const head = ['kind', 'setup', 'to server (messages / bytes)', 'to client', ...PURPOSES.map((p) => `${p}: up / down`)];
    const body = rows.map((r) => {
      const t = transcriptOf(r)!;
      return [
        r.kind,
        setupLabel(r),
        cell(t.toServer.messages, t.toServer.bytes),
        cell(t.toClient.messages, t.toClient.bytes),
        ...PURPOSES.map((p) => {
          const e = t.byPurpose[p];
          if (!e) return '';
          return [cell(e.toServer.messages, e.toServer.bytes), cell(e.toClient.messages, e.toClient.bytes)].filter(Boolean).join(' | ');
        }),
      ];
    });
    return [
      para(
        'Every ciphertext between the parties crosses as bytes (SEAL serialization; on the simulator, the size SEAL would send). ' +
          'Refreshes are the client-aided stand-in for bootstrapping: each is one message down and one up. ' +
          'Matmul records carry their transcript too (inputs up, product down) and are left out of this table.',
      ),
      table(head, body, { wrap: [1] }),
    ].join('\n');
  },
};
