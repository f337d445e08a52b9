/** Reading results for reports: files and directories, errors naming the file, torn last lines. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../../algorithms/errors';
import { loadResults, readResultFile, resolveResultFiles } from '../../harness/report/load';
import { FIXTURE, matmulRecord, tempDir, writeJsonl } from './_fixture';

function throwsInput(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, InputError);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable('expected an InputError');
}

test('a directory means its results.jsonl, or those of its run folders', () => {
  assert.equal(resolveResultFiles([FIXTURE.shard1]), [path.join(FIXTURE.shard1, 'results.jsonl')]);
  const all = resolveResultFiles([path.dirname(FIXTURE.shard1)]);
  assert.equal(
    all.map((f) => path.basename(path.dirname(f))),
    ['ops', 'shard-1', 'shard-2'],
  );
  const loaded = loadResults([FIXTURE.shard1, FIXTURE.shard2]);
  assert.is(loaded.duplicates, 1);
  assert.is(loaded.records.length, loaded.files.reduce((s, f) => s + f.records, 0) - 1);
});

test('a missing file or an empty directory is an error naming it', () => {
  const dir = tempDir('load');
  throwsInput(() => resolveResultFiles([path.join(dir, 'nope.jsonl')]), /nope\.jsonl: no such file or directory/);
  throwsInput(() => resolveResultFiles([dir]), /holds no results\.jsonl/);
  throwsInput(() => resolveResultFiles([]), /no results given/);
});

test('malformed lines are errors naming the file and line', () => {
  const dir = tempDir('load');
  const notJson = path.join(dir, 'a.jsonl');
  fs.writeFileSync(notJson, JSON.stringify(matmulRecord()) + '\n{oops\n' + JSON.stringify(matmulRecord()) + '\n');
  throwsInput(() => readResultFile(notJson), /a\.jsonl: line 2 is not valid JSON/);
  throwsInput(() => readResultFile(writeJsonl(dir, 'b.jsonl', [[1, 2]])), /b\.jsonl: line 1 is not a result record \(not a JSON object\)/);
  throwsInput(() => readResultFile(writeJsonl(dir, 'c.jsonl', [{ state: 'completed' }])), /c\.jsonl: line 1 .*no "kind"/);
  throwsInput(() => readResultFile(writeJsonl(dir, 'd.jsonl', [{ kind: 'matmul', state: 'done' }])), /d\.jsonl: line 1 .*"state"/);
  const garbage = path.join(dir, 'e.jsonl');
  fs.writeFileSync(garbage, 'garbage');
  throwsInput(() => readResultFile(garbage), /e\.jsonl: line 1 is not valid JSON/);
});

test('a torn last line (a run killed mid-append) is dropped', () => {
  const dir = tempDir('load');
  const file = path.join(dir, 'results.jsonl');
  fs.writeFileSync(file, JSON.stringify(matmulRecord()) + '\n' + JSON.stringify(matmulRecord()).slice(0, 40));
  assert.is(readResultFile(file).length, 1);
});

test.run();
