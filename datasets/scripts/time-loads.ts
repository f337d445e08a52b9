/**
 * Times loadDataset for the built-in datasets and the cheap feature maps, each once, in this
 * order, in one process (so the first line includes module and JIT warm-up). Prints a table.
 *
 *   npx ts-node -T datasets/scripts/time-loads.ts
 */
import { loadDataset } from '..';

const CASES: [string, string | undefined][] = [
  ['digits', undefined],
  ['wine', undefined],
  ['breast-cancer', undefined],
  ['synthetic:n=10000,d=64,c=10,sep=3', undefined],
  ['mnist', 'pixels'],
  ['mnist', 'random768'],
];

async function main(): Promise<void> {
  const lines = ['| dataset | features | train/val/test | d (+bias) | load time |', '|---|---|---|---|---|'];
  for (const [spec, features] of CASES) {
    const started = performance.now();
    const ds = await loadDataset(spec, { features });
    const ms = performance.now() - started;
    lines.push(`| ${spec} | ${ds.features} | ${ds.train.n}/${ds.val.n}/${ds.test.n} | ${ds.train.d} | ${ms.toFixed(0)} ms |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
