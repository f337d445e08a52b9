/**
 * One encrypted training step with bootstraps instead of client-aided refreshes, beside its
 * float64 twin (the same softmax approximation, the same schedule in plaintext): issue 16's last
 * Done-when item. Runs what `hetal-bench train --refresh bootstrap --epochs 1` runs (session with
 * the preset's bootstrap keys, prepareTraining, trainEncrypted on the main thread) and compares the
 * decrypted weights, the validation loss and the accuracies with the twin's. Prints one JSON
 * object on stdout (progress on stderr).
 * Usage: npx ts-node -T scripts/seal-train-bootstrap.ts [backend=seal] [preset=boot13-full-test]
 *        [dataset=synthetic:n=40,d=4,c=2,sep=3] [batch=32]
 * On sim (with --noise-sized noise) it gives the deviation the bootstrap's modelled error predicts.
 * Measured (2 shared cores): seal, boot13-full-test, 1 step + 1 validation pass + encrypted
 * inference, 35 bootstraps (12.2 s each), step 211 s, wall 448 s, 3.2-4.4 GiB resident; weights
 * within 1.64e-4 of the twin's (12.6 bits; sim: 2.48e-4), validation loss 0.51375 against 0.51311,
 * accuracies equal (1.0). The bootstrap alone: 12.8 bits worst, 15.1 mean.
 */
import { bootstrapRotationSteps } from '../algorithms/ckks/bootstrap/bootstrapper';
import { resolvePreset } from '../algorithms/ckks/presets';
import { createSession } from '../algorithms/ckks/session';
import { getSoftmax } from '../algorithms/softmax/registry';
import { prepareTraining, trainEncrypted } from '../algorithms/training/encrypted';
import { resolveHyper } from '../algorithms/training/hyper';
import { accuracy } from '../algorithms/training/metrics';
import { predict, trainPlain } from '../algorithms/training/plain';
import { loadDataset } from '../datasets';

function progress(what: string, since: number): void {
  const m = process.memoryUsage();
  process.stderr.write(`${((performance.now() - since) / 1000).toFixed(1)} s  ${what}  (rss ${(m.rss / 2 ** 30).toFixed(2)} GiB)\n`);
}

async function main(): Promise<void> {
  const backend = process.argv[2] ?? 'seal';
  const presetName = process.argv[3] ?? 'boot13-full-test';
  const dataset = process.argv[4] ?? 'synthetic:n=40,d=4,c=2,sep=3';
  const batch = Number(process.argv[5] ?? 32);
  const t0 = performance.now();
  const data = await loadDataset(dataset, { seed: 1 });
  const hyper = resolveHyper(dataset, { batch, epochs: 1, seed: 1 });
  const softmax = getSoftmax('hetal');
  const twin = trainPlain(data, hyper, (z, rows, classes) => softmax.plain(z, rows, classes));
  const session = await createSession(backend, presetName, {
    seed: 1,
    refresh: 'bootstrap',
    insecure: true,
    ...(backend === 'sim' ? { noise: true } : {}),
  });
  progress('session (keys made and loaded)', t0);
  try {
    prepareTraining(session, data, hyper, softmax);
    progress('training keys', t0);
    const enc = await trainEncrypted(session, data, hyper, softmax, {
      onEpoch: (epoch, loss) => progress(`epoch ${epoch}: validation loss ${loss.toFixed(6)}`, t0),
    });
    let maxAbs = 0;
    let maxW = 0;
    for (let i = 0; i < twin.weights.data.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(enc.weights[i]! - twin.weights.data[i]!));
      maxW = Math.max(maxW, Math.abs(twin.weights.data[i]!));
    }
    const twinTest = accuracy(predict(twin.weights, data.test), data.test.y);
    const twinVal = accuracy(predict(twin.weights, data.val), data.val.y);
    const preset = resolvePreset(presetName);
    process.stdout.write(
      JSON.stringify({
        backend,
        preset: presetName,
        dataset,
        split: { train: data.train.n, val: data.val.n, test: data.test.n },
        hyper,
        steps: enc.steps,
        bootstraps: enc.ops.modraise,
        refreshes: enc.ops.refresh,
        bytesMoved: enc.ops.refreshBytes,
        bootstrapRotationKeys: bootstrapRotationSteps(preset.bootstrap!).length,
        rotationKeys: session.evaluationKeys.steps.length,
        weights: {
          maxAbsDiff: maxAbs,
          maxAbsDiffBits: -Math.log2(maxAbs),
          maxAbsTwin: maxW,
          encrypted: Array.from(enc.weights),
          twin: Array.from(twin.weights.data),
        },
        valLoss: { encrypted: enc.valLosses, twin: twin.valLosses },
        accuracy: {
          test: { encryptedDecrypted: enc.testAccuracyDecrypted, encryptedInference: enc.testAccuracyEncrypted, twin: twinTest },
          val: { encrypted: enc.valAccuracy, twin: twinVal },
        },
        timeMs: { ...enc.timeMs, refreshAll: enc.ops.refreshMs, wall: performance.now() - t0 },
        ops: enc.ops,
      }) + '\n',
    );
  } finally {
    session.dispose();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
