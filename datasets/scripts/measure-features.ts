/**
 * Measures how good each MNIST feature map is for a plain softmax classifier, and how long the
 * slow one takes. A command-line script (it prints; the library under datasets/ does not):
 *
 *   npx ts-node -T datasets/scripts/measure-features.ts [--limit 2000] [--seed 1]
 *     [--features pixels,random768,mobilenet] [--epochs 300] [--cache-dir DIR]
 *
 * --limit is the loader's limit: a seeded stratified subsample of MNIST in proportion to the
 * official parts (2000 -> train 1500, val 214, test 286). Give --cache-dir a fresh folder to
 * time the mobilenet features from scratch (the default cache would make a rerun instant).
 */
import { SingleBar, Presets } from 'cli-progress';
import { loadDataset } from '..';
import { loadMobileNetExtractor } from '../features/mobilenet';
import { plainAccuracy, trainPlainSoftmax } from './plain-softmax';

interface Args {
  limit: number;
  seed: number;
  features: string[];
  epochs: number;
  cacheDir?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { limit: 2000, seed: 1, features: ['pixels', 'random768', 'mobilenet'], epochs: 300 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag}: missing value`);
    if (flag === '--limit') args.limit = Number(value);
    else if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--epochs') args.epochs = Number(value);
    else if (flag === '--features') args.features = value.split(',');
    else if (flag === '--cache-dir') args.cacheDir = value;
    else throw new Error(`unknown flag ${flag}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rows: string[] = [];
  for (const features of args.features) {
    let modelLoadSeconds: number | undefined;
    if (features === 'mobilenet') {
      const started = performance.now();
      await loadMobileNetExtractor();
      modelLoadSeconds = (performance.now() - started) / 1000;
    }
    const bar = new SingleBar({ format: `${features.padEnd(10)} {bar} {value}/{total} rows | {duration}s` }, Presets.shades_classic);
    let barStarted = false;
    const started = performance.now();
    const dataset = await loadDataset('mnist', {
      seed: args.seed,
      limit: args.limit,
      features,
      cacheDir: args.cacheDir,
      progress: (done, total) => {
        if (!barStarted) bar.start(total, 0);
        barStarted = true;
        bar.update(done);
      },
    });
    bar.stop();
    const loadSeconds = (performance.now() - started) / 1000;
    const images = dataset.train.n + dataset.val.n + dataset.test.n;
    const trainStarted = performance.now();
    const model = trainPlainSoftmax(dataset.train, dataset.val, dataset.classes, { epochs: args.epochs });
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    const test = plainAccuracy(model, dataset.test);
    const val = plainAccuracy(model, dataset.val);
    rows.push(
      `| ${features} | ${dataset.train.d} | ${dataset.train.n}/${dataset.val.n}/${dataset.test.n} | ${(100 * test).toFixed(1)}% | ` +
        `${(100 * val).toFixed(1)}% | ${model.bestEpoch} | ${loadSeconds.toFixed(1)} s (${((1000 * loadSeconds) / images).toFixed(1)} ms/image) | ` +
        `${modelLoadSeconds === undefined ? '-' : `${modelLoadSeconds.toFixed(1)} s`} | ${trainSeconds.toFixed(1)} s |`,
    );
  }
  process.stdout.write(
    [
      `MNIST, limit ${args.limit}, seed ${args.seed}, plain softmax (full-batch Nesterov GD, ${args.epochs} epochs, best val epoch kept)`,
      '',
      '| features | d (+bias) | train/val/test | test acc | val acc | epoch | features time | model load | training |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
