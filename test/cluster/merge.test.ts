/**
 * Merging a submitted run's shards without Slurm: the coverage check (missing, duplicated and
 * foreign cells named; a cell's failed-then-resumed history is not a duplicate), `merge` through
 * the CLI (exit status, the tasks to resubmit, files written either way), `report`'s reading of a
 * run folder, and submit's refusals that need no scheduler.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Papa from 'papaparse';
import { checkCoverage, complete, taskOfCells } from '../../harness/cluster/merge';
import { readJsonl } from '../../harness/output';
import { loadResults, resolveResultFiles } from '../../harness/report/load';
import { expandCells, validateConfig } from '../../harness/sweep/config';
import { cli } from '../helpers/cli';

const CONFIG = {
  name: 'm',
  kind: 'softmax',
  grid: { algo: ['hong', 'jin'], classes: [3, 4, 5] },
  fixed: { backend: 'plain', samples: 50 },
};
const GRID = expandCells(validateConfig(CONFIG, 'm.json'));
const KEYS = GRID.map((c) => c.key);

function rec(cell: string, state = 'completed', timestamp = '2026-01-01T00:00:00Z'): Record<string, unknown> {
  return { kind: 'softmax', state, cell, algorithm: 'hong', backend: 'plain', preset: 'none', slots: 0, meta: { timestamp } };
}

/** A run folder as `submit` leaves it, with `shards` tasks and the given records per task. */
function runFolder(shards: number, records: Record<string, unknown>[][]): string {
  // a run folder inside a parent of its own (results/ holding runs), never the shared temp folder itself
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-merge-')), 'run');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(CONFIG));
  fs.writeFileSync(path.join(dir, 'submit.json'), JSON.stringify({ name: 'm', shards, cells: KEYS.length, submissions: [] }));
  records.forEach((list, i) => {
    const d = path.join(dir, 'shards', String(i));
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'results.jsonl'), list.map((r) => JSON.stringify(r) + '\n').join(''));
  });
  return dir;
}

test('coverage: complete when every grid cell is recorded once, in grid order', () => {
  const c = checkCoverage(GRID, [
    { shard: '0', records: [rec(KEYS[0]!), rec(KEYS[2]!), rec(KEYS[4]!)] },
    { shard: '1', records: [rec(KEYS[5]!), rec(KEYS[3]!), rec(KEYS[1]!)] },
  ]);
  assert.ok(complete(c));
  assert.equal(
    c.records.map((r) => r.cell),
    KEYS,
  );
});

test('coverage: names missing, duplicated and foreign cells; a resumed failure is not a duplicate', () => {
  const c = checkCoverage(GRID, [
    {
      shard: '0',
      // cell 0 failed, then a resumed run completed it: history, kept as the completed record
      records: [rec(KEYS[0]!, 'failed', '2026-01-01T00:00:00Z'), rec(KEYS[0]!, 'completed', '2026-01-01T01:00:00Z'), rec(KEYS[2]!)],
    },
    { shard: '1', records: [rec(KEYS[1]!), rec(KEYS[2]!), rec('softmax|algo=other'), rec(KEYS[3]!, 'failed')] },
  ]);
  assert.not.ok(complete(c));
  assert.equal(c.missing, [KEYS[4], KEYS[5]]);
  assert.equal(c.duplicated, [{ cell: KEYS[2], shards: ['0', '1'] }]);
  assert.equal(c.unexpected, ['softmax|algo=other']);
  assert.equal(c.failed, [KEYS[3]]);
  assert.is(c.records.find((r) => r.cell === KEYS[0])!.state, 'completed');
  assert.is(c.records.filter((r) => r.cell === KEYS[2]).length, 1, 'one record per cell in the merged file');
  // the same cell completed twice in one shard (two tasks of one index at once) is a duplicate
  const twice = checkCoverage(GRID, [{ shard: '0', records: KEYS.map((k) => rec(k)).concat([rec(KEYS[1]!)]) }]);
  assert.equal(twice.duplicated, [{ cell: KEYS[1], shards: ['0'] }]);
  // a task index per cell: every N-th cell from I
  const task = taskOfCells(GRID, 4);
  assert.equal(
    GRID.map((g) => task.get(g.key)),
    [0, 1, 2, 3, 0, 1],
  );
});

test('merge: an incomplete run exits 1 naming its missing cells and their task, and still writes what it has', () => {
  // 3 tasks: task 0 holds cells 0 and 3, task 1 cells 1 and 4, task 2 (killed) cells 2 and 5
  const dir = runFolder(3, [[rec(KEYS[0]!), rec(KEYS[3]!)], [rec(KEYS[1]!), rec(KEYS[4]!)], []]);
  const r = cli(['merge', dir]);
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /INCOMPLETE: 4 of 6 cells; 2 missing/);
  assert.ok(r.stderr.includes(`missing (task 2): ${KEYS[2]}`), r.stderr);
  assert.ok(r.stderr.includes(`missing (task 2): ${KEYS[5]}`), r.stderr);
  assert.match(r.stderr, /--array-index 2\n/);
  assert.is(r.stdout.trim(), path.join(dir, 'results.jsonl'));
  assert.equal(
    readJsonl(path.join(dir, 'results.jsonl')).map((x) => x.cell),
    [KEYS[0], KEYS[1], KEYS[3], KEYS[4]],
  );
  const csv = Papa.parse<Record<string, unknown>>(fs.readFileSync(path.join(dir, 'results.csv'), 'utf8'), {
    header: true,
    skipEmptyLines: true,
  });
  assert.equal(
    csv.data.map((x) => x.cell),
    [KEYS[0], KEYS[1], KEYS[3], KEYS[4]],
  );

  // the resubmitted task's records arrive: complete
  fs.writeFileSync(
    path.join(dir, 'shards', '2', 'results.jsonl'),
    [rec(KEYS[2]!), rec(KEYS[5]!)].map((x) => JSON.stringify(x) + '\n').join(''),
  );
  const again = cli(['merge', dir]);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stderr, /all 6 cells, each once, from 3 shard folder/);
  assert.equal(
    readJsonl(path.join(dir, 'results.jsonl')).map((x) => x.cell),
    KEYS,
  );
});

test('merge: duplicated cells exit 1 and are named', () => {
  const dir = runFolder(2, [KEYS.filter((_, i) => i % 2 === 0).map((k) => rec(k)), KEYS.map((k) => rec(k))]);
  const r = cli(['merge', dir]);
  assert.is(r.status, 1);
  assert.ok(r.stderr.includes(`duplicated: ${KEYS[0]} (in shards/0, shards/1)`), r.stderr);
  assert.is(readJsonl(path.join(dir, 'results.jsonl')).length, KEYS.length, 'one record per cell');
});

test('merge: a folder that is not a submitted run is bad input', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-merge-'));
  const r = cli(['merge', dir]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /not a submitted run folder/);
});

test("report reads a run folder's shards before any merge", () => {
  const dir = runFolder(2, [[rec(KEYS[0]!), rec(KEYS[2]!)], [rec(KEYS[1]!)]]);
  assert.equal(resolveResultFiles([dir]), [path.join(dir, 'shards', '0', 'results.jsonl'), path.join(dir, 'shards', '1', 'results.jsonl')]);
  assert.is(loadResults([dir]).records.length, 3);
  // results/ holding run folders: the submitted run's shards are found one level down too
  assert.is(loadResults([path.dirname(dir)]).files.filter((f) => f.file.startsWith(dir)).length, 2);
});

test('submit refuses without a scheduler, without sbatch, and resubmissions of runs that do not exist', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-submit-'));
  const config = path.join(dir, 'c.json');
  fs.writeFileSync(config, JSON.stringify(CONFIG));
  const noScheduler = cli(['submit', config, '--out', path.join(dir, 'a')]);
  assert.is(noScheduler.status, 2);
  assert.match(noScheduler.stderr, /--slurm/);

  const noArray = cli(['submit', config, '--slurm', '--out', path.join(dir, 'b'), '--array-index', '1']);
  assert.is(noArray.status, 2);
  assert.match(noArray.stderr, /--array-index: .* holds no submitted run/);

  const tooMany = cli(['submit', config, '--slurm', '--shards', '7', '--out', path.join(dir, 'c')]);
  assert.is(tooMany.status, 2);
  assert.match(tooMany.stderr, /--shards 7: more tasks than the 6 cells/);

  // no sbatch on PATH: one line, exit 2, and the run folder is kept for a later --resume
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-nopath-'));
  const noSbatch = cli(['submit', config, '--slurm', '--shards', '2', '--out', path.join(dir, 'd')], { env: { PATH: empty } });
  assert.is(noSbatch.status, 2, noSbatch.stderr);
  assert.match(noSbatch.stderr, /^hetal-bench: sbatch: not found on PATH .*--resume\)\n$/);
  assert.ok(fs.existsSync(path.join(dir, 'd', 'submit.sbatch')));
  assert.ok(fs.existsSync(path.join(dir, 'd', 'config.json')));

  const noConf = cli(['submit', config, '--slurm', '--out', path.join(dir, 'e')], { env: { SLURM_CONF: path.join(dir, 'missing.conf') } });
  assert.is(noConf.status, 2);
  assert.match(noConf.stderr, /SLURM_CONF=.*missing\.conf: no such file/);

  // the same folder again without --resume: refused, nothing is mixed
  const again = cli(['submit', config, '--slurm', '--out', path.join(dir, 'd')]);
  assert.is(again.status, 2);
  assert.match(again.stderr, /already holds a submitted run/);
});

test.run();
