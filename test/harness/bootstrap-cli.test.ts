/**
 * The bootstrap through the CLI (in process): `hetal-bench bootstrap` measures one bootstrap
 * (record kind 'bootstrap': precision, levels left, stage times, key bytes, no message crossing,
 * a client-aided refresh beside it) and its report section; `train --refresh bootstrap` on a
 * small synthetic set runs on the simulator with the bootstrap's level budget (every refresh a
 * bootstrap: one ModRaise each, no bytes moved) and keeps the accuracy of its float64 twin, also
 * with the sparse bootstrap of boot14-test on its 32 logical slots;
 * `--refresh` enters a cell's key only when not the default; presets without a security claim
 * are refused without --insecure and marked in records.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bootstrapRotationSteps } from '../../algorithms/ckks/bootstrap/bootstrapper';
import { resolvePreset } from '../../algorithms/ckks/presets';
import { refuseIfBootstrapKeysTooBig } from '../../harness/memory';
import { inProcess, jsonLines } from '../helpers/cli';

type Rec = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

test('bootstrap --preset boot11-sim: one record with precision, levels left, stage times, keys and the client refresh beside it; its report section', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hetal-boot-'));
  try {
    const r = await inProcess(['bootstrap', '--preset', 'boot11-sim', '--insecure', '--samples', '1', '--json', '--out', dir]);
    assert.is(r.status, 0, r.stderr);
    const [rec] = jsonLines(r.stdout) as Rec[];
    assert.is(rec!.kind, 'bootstrap');
    assert.is(rec!.state, 'completed');
    assert.is(rec!.insecure, true);
    assert.is(rec!.packing, 'full');
    assert.is(rec!.slots, 1024);
    // boot11-sim's bootstrap: 14.2 bits worst measured (test/bootstrap/bootstrapper.test.ts), 5 levels left
    assert.ok(rec!.precision.worstBits >= 13 && rec!.precision.meanBits > rec!.precision.worstBits);
    assert.is(rec!.levels.left, 5);
    assert.equal(Object.keys(rec!.timeMs.byStage), ['modRaise', 'subSum', 'coeffToSlot', 'evalMod', 'slotToCoeff']);
    assert.is(rec!.ops.modraise, 1);
    assert.is(rec!.ops.switchKey, 2);
    assert.ok(rec!.keyBytes > 0 && rec!.rotationKeys > 0);
    assert.is(rec!.transcript.toClient.messages + rec!.transcript.toServer.messages, 0);
    // the level-0 ciphertext down (one prime), a top-level one up (20 primes), at N = 2048
    assert.is(rec!.clientRefresh.bytes, 113 + 2 * 2048 * 1 * 8 + (113 + 2 * 2048 * 20 * 8));
    assert.match(rec!.cell, /^bootstrap\|backend=sim\|noise=true\|preset=boot11-sim\|samples=1\|seed=1$/);
    const rep = await inProcess(['report', dir, '--out', path.join(dir, 'r.html')]);
    assert.is(rep.status, 0, rep.stderr);
    const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
    assert.match(html, /CKKS bootstrap beside the client-aided refresh/);
    assert.match(html, /<span class="badge bad">insecure<\/span>/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('train --refresh bootstrap on a synthetic set runs on sim with the bootstrap level budget', async () => {
  const r = await inProcess([
    'train',
    '--dataset',
    'synthetic:n=120,d=8,c=3,sep=3',
    '--backend',
    'sim',
    '--preset',
    'boot11-sim',
    '--insecure',
    '--refresh',
    'bootstrap',
    '--noise',
    '--epochs',
    '2',
    '--json',
  ]);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout) as Rec[];
  assert.is(rec!.state, 'completed');
  assert.is(rec!.refresh, 'bootstrap');
  assert.is(rec!.insecure, true);
  assert.match(rec!.cell, /\|refresh=bootstrap\|/);
  assert.ok(rec!.refreshes > 0);
  // every refresh is a bootstrap: one ModRaise each, nothing sent to the key owner
  assert.is(rec!.ops.modraise, rec!.refreshes);
  assert.is(rec!.bytesMoved, 0);
  assert.is(rec!.transcript.byPurpose.refresh, undefined);
  // 36 test samples: the encrypted run agrees with its float64 twin (the same approximation) within one
  assert.ok(Math.abs(rec!.accuracy.test - rec!.approxAccuracy) <= 1 / 36 + 1e-9, `${rec!.accuracy.test} vs ${rec!.approxAccuracy}`);
  assert.ok((rec!.deviations as string[]).some((d) => /no security claim/.test(d)));
});

test('train --refresh bootstrap at boot14-test (a sparse bootstrap) runs on sim on its 32 logical slots', async () => {
  const r = await inProcess([
    'train',
    '--dataset',
    'synthetic:n=20,d=3,c=2,sep=3',
    '--backend',
    'sim',
    '--preset',
    'boot14-test',
    '--insecure',
    '--refresh',
    'bootstrap',
    '--noise',
    '--batch',
    '8',
    '--epochs',
    '1',
    '--json',
  ]);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout) as Rec[];
  assert.is(rec!.state, 'completed');
  // the layout plans blocks of the logical slots: 8 rows x 4 columns = 32
  assert.is(rec!.slots, 32);
  assert.equal(rec!.block, { s0: 8, s1: 4, cPad: 2, colBlocks: 1, rowBlocks: 1 });
  assert.ok(rec!.refreshes > 0);
  assert.is(rec!.ops.modraise, rec!.refreshes);
  assert.is(rec!.bytesMoved, 0);
  assert.is(rec!.transcript.byPurpose.refresh, undefined);
  assert.is(rec!.accuracy.test, rec!.approxAccuracy);
});

test('softmax --refresh bootstrap on sim: refreshes are bootstraps, within the bound that adds their error', async () => {
  const args = ['softmax', '--backend', 'sim', '--preset', 'boot11-sim', '--insecure', '--refresh', 'bootstrap'];
  const r = await inProcess([...args, '--classes', '4', '--range', '8', '--json']);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout) as Rec[];
  assert.is(rec!.state, 'completed');
  assert.is(rec!.refresh, 'bootstrap');
  assert.match(rec!.cell, /\|refresh=bootstrap\|/);
  assert.ok(rec!.refreshes > 0 && rec!.ops.modraise === rec!.refreshes);
  assert.is(rec!.transcript.byPurpose.refresh, undefined);
  assert.ok(rec!.agreement.max <= rec!.errorBound);
  assert.ok((rec!.deviations as string[]).some((d) => /CKKS bootstrap on the server/.test(d)));
});

test("softmax --refresh bootstrap at boot14-test plans its blocks on the sparse bootstrap's 32 logical slots", async () => {
  const r = await inProcess([
    'softmax',
    '--backend',
    'sim',
    '--preset',
    'boot14-test',
    '--insecure',
    '--refresh',
    'bootstrap',
    '--classes',
    '2',
    '--range',
    '8',
    '--json',
  ]);
  assert.is(r.status, 0, r.stderr);
  const [rec] = jsonLines(r.stdout) as Rec[];
  assert.is(rec!.state, 'completed');
  assert.is(rec!.slots, 32);
  assert.ok(rec!.refreshes > 0 && rec!.ops.modraise === rec!.refreshes);
  assert.ok(rec!.agreement.max <= rec!.errorBound);
});

test('--refresh in cell keys only when not the default; refusals name the flag', async () => {
  const client = await inProcess(['softmax', '--backend', 'sim', '--preset', 'n14', '--classes', '4', '--range', '4', '--json']);
  assert.is(client.status, 0, client.stderr);
  assert.not.match(String(jsonLines(client.stdout)[0]!.cell), /refresh/);
  const cases: [string[], RegExp][] = [
    [['bootstrap', '--preset', 'boot14-test'], /--preset boot14-test has no security claim .* pass --insecure/],
    [['bootstrap', '--preset', 'n13'], /--preset n13 has no bootstrap/],
    [['train', '--backend', 'sim', '--preset', 'n14', '--refresh', 'bootstrap'], /--refresh bootstrap: preset n14 has no bootstrap/],
    [['softmax', '--backend', 'plain', '--refresh', 'bootstrap'], /--refresh bootstrap: the plain backend/],
    [['softmax', '--backend', 'sim', '--preset', 'n13', '--refresh', 'server'], /--refresh/],
  ];
  for (const [args, message] of cases) {
    const r = await inProcess(args);
    assert.is(r.status, 2, args.join(' '));
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('a bootstrap key set over the SEAL heap is refused before it is made, with by how much', () => {
  const preset = resolvePreset('boot15');
  const params = preset.bootstrap!;
  // one key per step: 55 keys of 143 MB at N=32768
  assert.throws(
    () => refuseIfBootstrapKeysTooBig(preset, bootstrapRotationSteps({ ...params, rotationKeys: 'declared' })),
    /55 key-switching keys take 7.3 GiB, over the 4 GiB SEAL heap by 3.3 GiB/,
  );
  // the preset's positive powers of two: 14 + relinearization, conjugation and the sparse -> dense key
  assert.equal(bootstrapRotationSteps(params), [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]);
  refuseIfBootstrapKeysTooBig(preset, bootstrapRotationSteps(params));
});

test.run();
