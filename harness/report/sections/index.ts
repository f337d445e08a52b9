/** The report's sections, in page order. A new section is one file plus one line here. */
import type { ReportSection } from '../section';
import { ablationSection } from './ablation';
import { bootstrapSection } from './bootstrap';
import { costModelSection } from './cost-model';
import { deviationsSection } from './deviations';
import { matmulSpeedSection } from './matmul-speed';
import { opCountsSection } from './op-counts';
import { opLatencySection } from './op-latency';
import { protocolSection } from './protocol';
import { failuresSection, recordsSection } from './records';
import { runMetadataSection } from './run-metadata';
import { softmaxSection } from './softmax';
import { trainingSection } from './training';

/** Every section, in the order the page shows them. */
export const SECTIONS: readonly ReportSection[] = [
  opCountsSection,
  matmulSpeedSection,
  softmaxSection,
  trainingSection,
  bootstrapSection,
  ablationSection,
  protocolSection,
  costModelSection,
  opLatencySection,
  deviationsSection,
  failuresSection,
  recordsSection,
  runMetadataSection,
];
