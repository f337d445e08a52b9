/**
 * Adding an algorithm is one file plus its registry entry (README "Adding an algorithm"), done as
 * a new user would: the repository's source is copied to a temporary directory (node_modules
 * linked, no .git), the two fixture files of test/registry/fixtures/ (a naive A·Bᵀ and a softmax
 * approximation, both written against algorithms/interface.ts) are dropped into
 * algorithms/matmul/ and algorithms/softmax/, and each family's registry.ts gets its import and
 * its one entry line by text insertion; nothing else is edited. In the copy, then: the type
 * check (`tsc --noEmit`, concurrently with the rest: it takes the longest), `list`, `matmul` and
 * `softmax` on the new ids, a sweep of both beside a baseline, the report of that sweep, and the
 * generic tests (test/registry/matmul and softmax, and the Table 6 / 7 test), which iterate the
 * registries and so test the new ones too.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
/** Not copied: dependencies (linked instead), history, and what runs write. */
const SKIP = new Set(['node_modules', '.git', '.cache', 'results', 'reports']);

/** The new algorithms: fixture file, where it goes, the export and id its registry entry names. */
const NEW = [
  { fixture: 'naive-abt.ts', family: 'matmul', file: 'naive-abt', exportName: 'naiveAbtAlgorithm', id: 'naive-abt' },
  { fixture: 'square-exp.ts', family: 'softmax', file: 'square-exp', exportName: 'squareExp', id: 'square-exp' },
] as const;

/** A copy of the repository's source with node_modules linked. */
function copyRepository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hetal-new-algorithm-'));
  for (const entry of fs.readdirSync(ROOT)) {
    if (SKIP.has(entry)) continue;
    fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * Adds `import { X } from './file';` after the registry's last import and `'id': X,` as the last
 * entry of its `byId` object literal: the registry edit the README describes, and no other.
 */
function register(registryFile: string, file: string, exportName: string, id: string): void {
  const text = fs.readFileSync(registryFile, 'utf8');
  const lastImport = [...text.matchAll(/^import .*;$/gm)].pop();
  assert.ok(lastImport, `${registryFile}: imports`);
  const afterImports = lastImport.index + lastImport[0].length;
  const withImport = `${text.slice(0, afterImports)}\nimport { ${exportName} } from './${file}';${text.slice(afterImports)}`;
  const start = withImport.indexOf('byId<');
  const end = withImport.indexOf('\n});', start);
  assert.ok(start >= 0 && end > start, `${registryFile}: the byId({ ... }) registry literal`);
  fs.writeFileSync(registryFile, `${withImport.slice(0, end)}\n  '${id}': ${exportName},${withImport.slice(end)}`);
}

/** Runs a command in the copy; fails the test with its output unless it exits 0. */
function run(cwd: string, command: string, args: string[], what: string): string {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '0', TS_NODE_SWC: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.is(r.status, 0, `${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The type check of the copy, in the background: resolves to its exit status and output. */
function typeCheck(cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(cwd, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', cwd], { cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** `hetal-bench ...args` in the copy. */
function cli(cwd: string, args: string[]): string {
  return run(cwd, process.execPath, [path.join(cwd, 'bin', 'hetal-bench.js'), ...args], `hetal-bench ${args.join(' ')}`);
}

/** JSON Lines of stdout. */
function records(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('a new matmul algorithm and softmax approximation: one file and one registry entry each, nothing else', async () => {
  const dir = copyRepository();
  try {
    for (const n of NEW) {
      fs.copyFileSync(path.join(FIXTURES, n.fixture), path.join(dir, 'algorithms', n.family, `${n.file}.ts`));
      register(path.join(dir, 'algorithms', n.family, 'registry.ts'), n.file, n.exportName, n.id);
    }
    // the edit is exactly: two new files, and in each registry one import and one entry
    for (const n of NEW) {
      const before = fs.readFileSync(path.join(ROOT, 'algorithms', n.family, 'registry.ts'), 'utf8').split('\n');
      const after = fs.readFileSync(path.join(dir, 'algorithms', n.family, 'registry.ts'), 'utf8').split('\n');
      assert.equal(
        after.filter((l) => !before.includes(l)),
        [`import { ${n.exportName} } from './${n.file}';`, `  '${n.id}': ${n.exportName},`],
      );
      assert.is(after.length, before.length + 2);
    }

    const typed = typeCheck(dir);

    const listed = records(cli(dir, ['list', '--json']));
    assert.ok(
      listed.some((r) => r.category === 'matmul' && r.id === 'naive-abt' && r.name === 'Naive A·Bᵀ'),
      'list shows naive-abt',
    );
    assert.ok(
      listed.some((r) => r.category === 'softmax' && r.id === 'square-exp' && r.minLevels === 2),
      'list shows square-exp',
    );

    const [m] = records(
      cli(dir, ['matmul', '--algo', 'naive-abt', '--backend', 'sim', '--preset', 'n13', '--shape', '64x64x4', '--no-noise', '--json']),
    );
    assert.is(m?.state, 'completed');
    // its own count formula: c products, c·log2(64) rotations
    assert.equal(m?.ops, { ...(m?.ops as object), cmult: 0, mult: 4, rot: 24 });
    assert.ok((m?.error as { maxAbs: number }).maxAbs < 1e-9, 'sim without noise: float64 rounding only');
    assert.equal(m?.deviations, ['not in the paper: a naive baseline']);
    assert.is(m?.paper, undefined, 'no Table 7 cell');

    const [s] = records(
      cli(dir, ['softmax', '--algo', 'square-exp', '--backend', 'plain', '--classes', '3', '--range', '4', '--samples', '1000', '--json']),
    );
    assert.is(s?.state, 'completed');
    assert.is(s?.algorithm, 'square-exp');
    // (1 + x/64)^64 = exp(x - δ), 0 <= δ <= 4²/128 on [-4, 4]: a probability moves by at most
    // 2·p(1 - p)·max δ <= 0.5 · 0.125 (the inverse's own error is far below)
    assert.ok((s?.error as { max: number }).max < 0.0625, `square-exp error ${JSON.stringify(s?.error)}`);

    // a sweep of both beside naive-abt's declared baseline, and its report
    const config = path.join(dir, 'new-algorithm.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        name: 'new-algorithm',
        experiments: [
          { kind: 'matmul', grid: { algo: ['naive-abt', 'colmajor'] }, fixed: { shape: '64x64x4', backend: 'sim', preset: 'n14' } },
          { kind: 'softmax', grid: { algo: ['square-exp'] }, fixed: { classes: 3, range: 4, samples: 1000, backend: 'plain' } },
        ],
      }),
    );
    const results = path.join(dir, 'results', 'new-algorithm');
    cli(dir, ['sweep', config, '--out', results]);
    const html = path.join(dir, 'reports', 'new-algorithm.html');
    cli(dir, ['report', results, '--out', html]);
    const report = fs.readFileSync(html, 'utf8');
    // on the simulator the report shows counts, not speed-ups (its times are slot arithmetic)
    assert.ok(report.includes('Naive A·Bᵀ'), 'the report names naive-abt');
    assert.ok(report.includes('square-exp'), 'the report shows the new softmax approximation');

    // the generic tests iterate the registries: they now test the new algorithms too
    const out = run(
      dir,
      path.join(dir, 'node_modules', '.bin', 'uvu'),
      ['-r', 'ts-node/register/transpile-only', 'test', '^(registry/(matmul|softmax)|matmul/table7)\\.test\\.ts$'],
      'the generic tests',
    );
    assert.match(out, /Total:\s+(\d+)/);
    assert.not.match(out, /FAIL/);

    const { status, output } = await typed;
    assert.is(status, 0, `tsc --noEmit failed in the copy:\n${output}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
