/**
 * No wrong number passed as good, and no hang: a diverged training run is `suspect` (exit 3)
 * with its reason; its refresh times agree with its op counters; a process stuck at the SEAL
 * heap ceiling is killed by the watchdog with a message instead of spinning.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { TrainRecord } from '../../harness/records';
import { runsSeal } from '../../harness/watchdog';
import { cli, jsonLines } from '../helpers/cli';

test('train --dataset wine --lr 1000 on sim diverges and is marked suspect, not completed', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-suspect-'));
  const r = cli(['train', '--dataset', 'wine', '--lr', '1000', '--backend', 'sim', '--epochs', '3', '--json', '--out', out]);
  assert.is(r.status, 3, `a suspect result exits 3: ${r.stderr}`);
  const [rec] = jsonLines(r.stdout) as unknown as TrainRecord[];
  assert.is(rec!.state, 'suspect');
  assert.ok(
    rec!.state === 'suspect' && /training diverged/.test(rec!.reason) && /below its plaintext twin/.test(rec!.reason),
    JSON.stringify(rec),
  );
  assert.match(r.stderr, /suspect result/);
  // one clock for refresh time: steps plus validation and inference equal the counters' total
  const t = rec!.timeMs as TrainRecord['timeMs'] & { refreshOutsideSteps: number };
  assert.ok(Math.abs(t.refresh! + t.refreshOutsideSteps - rec!.ops.refreshMs!) < 1e-6);
  // the report reads it, keeps it out of the figures and lists it with its reason
  const html = path.join(out, 'report.html');
  const rep = cli(['report', out, '--out', html]);
  assert.is(rep.status, 0, rep.stderr);
  const failures = /<section id="failures">([\s\S]*?)<\/section>/.exec(fs.readFileSync(html, 'utf8'))?.[1] ?? '';
  assert.match(failures, /suspect/);
  assert.match(failures, /training diverged/);
});

test('a sane training run stays completed', () => {
  const r = cli(['train', '--dataset', 'wine', '--backend', 'sim', '--epochs', '2', '--json']);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout) as unknown as TrainRecord[];
  assert.is(rec!.state, 'completed');
});

test('the watchdog kills a process stuck at the memory ceiling within seconds, saying why', () => {
  const script = "require('./harness/watchdog').startMemoryWatchdog(); globalThis.keep = Buffer.alloc(100e6, 1); for (;;) {}";
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HETAL_WATCHDOG_CEILING_MIB: '80', HETAL_WATCHDOG_STALL_S: '1' },
  });
  assert.is(r.signal, 'SIGKILL');
  assert.ok(Date.now() - t0 < 30_000);
  assert.match(r.stderr, /out of memory: the SEAL heap is at its 4 GiB ceiling .* no progress for \d+ s/);
});

test('every command that can run seal is watched, bootstrap included (a bootstrap past the heap once spun 24 min)', () => {
  for (const cmd of ['matmul', 'softmax', 'train', 'bootstrap']) {
    assert.ok(runsSeal([cmd, '--backend', 'seal']), cmd);
    assert.ok(runsSeal([cmd, '--preset', 'n13', '--backend=seal']), cmd);
    assert.not.ok(runsSeal([cmd, '--backend', 'sim']), cmd);
  }
  assert.ok(runsSeal(['ops']));
  assert.not.ok(runsSeal(['bootstrap']), "bootstrap's default backend is sim");
  assert.not.ok(runsSeal(['report', '--backend', 'seal']));
});

test('std::bad_alloc in a matmul cell: its record is kept and the process ends at once, without disposing SEAL', () => {
  const script = `
    const { createSession } = require('./algorithms/ckks/session');
    const { matmulAlgorithm } = require('./algorithms/matmul/registry');
    const { runCells } = require('./harness/commands/matmul');
    (async () => {
      const be = await createSession('sim', 'n14');
      const diag = matmulAlgorithm('diag-abt');
      const broken = { ...diag, id: 'broken', run: () => { throw new Error('std::bad_alloc'); } };
      const base = { backend: 'sim', preset: 'n14', realOnly: false, perf: { inputLevel: 'auto', relin: 'lazy' }, run: 't', seed: 1, shape: { a: 16, b: 16, c: 4 } };
      await runCells(be, [{ ...base, algo: broken }, { ...base, algo: diag }], 0, (r) => process.stdout.write(JSON.stringify(r) + '\\n'));
      process.stdout.write('not reached\\n');
    })();`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: path.join(__dirname, '..', '..'),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r.status, 1, r.stderr);
  const records = jsonLines(r.stdout);
  assert.is(records.length, 1);
  assert.is(records[0]!.state, 'failed');
  assert.is(records[0]!.message, 'std::bad_alloc');
  assert.match(r.stderr, /out of memory: SEAL's 4 GiB WebAssembly heap is exhausted/);
});

test.run();
