/**
 * The bootstrap (hetal-bench bootstrap): for each measured preset, the precision a bootstrap
 * keeps (worst and mean bits over random inputs in [-1, 1]), the levels it leaves, its time by
 * stage and the evaluation keys' memory, beside a client-aided refresh of the same preset (the
 * stand-in it replaces: a round trip of bytes to the key owner). Presets without a security
 * claim are marked.
 */
import { BOOTSTRAP_STAGES } from '../../../algorithms/ckks/bootstrap/bootstrapper';
import { badge, escapeHtml, formatBytes, formatNumber, para, raw, table } from '../html';
import type { ReportSection } from '../section';

export const bootstrapSection: ReportSection = {
  id: 'bootstrap',
  title: 'CKKS bootstrap beside the client-aided refresh',
  async render(ctx) {
    const rows = ctx.bootstrap;
    if (rows.length === 0) return null;
    const head = [
      'setup',
      'packing',
      'precision worst / mean (bits)',
      'levels left (of)',
      'time per bootstrap',
      ...BOOTSTRAP_STAGES.map((s) => `${s} (ms)`),
      'key memory',
      'client refresh: time / bytes',
    ];
    const body = rows.map((r) => [
      raw(
        `${escapeHtml(`${r.backend}/${r.preset}`)}${r.insecure ? ' ' + badge('insecure', 'bad').html : ''}${r.backend === 'sim' ? ' ' + badge('simulated', 'neutral').html : ''}`,
      ),
      `${r.packing}, ${r.slots} slots, h = ${r.sparseWeight}`,
      `${formatNumber(r.precision.worstBits)} / ${formatNumber(r.precision.meanBits)}`,
      `${r.levels.left} (${r.levels.top})`,
      `${formatNumber(r.timeMs.total.median / 1000)} s`,
      ...BOOTSTRAP_STAGES.map((s) => r.timeMs.byStage[s] ?? null),
      formatBytes(r.keyBytes),
      `${formatNumber(r.clientRefresh.timeMs)} ms / ${formatBytes(r.clientRefresh.bytes)}`,
    ]);
    return [
      para(
        'One bootstrap refreshes a ciphertext on the server alone (ModRaise with sparse-secret encapsulation, SubSum, CoeffToSlot, EvalMod, SlotToCoeff); ' +
          'the client-aided refresh sends it to the key owner and back. Precision is -log2 of the worst and mean absolute error over every slot of the random inputs. ' +
          "On the simulator, ModRaise and the noise are modelled (times are not those of encryption); key memory there is the size SEAL's keys would have.",
      ),
      table(head, body),
    ].join('\n');
  },
};
