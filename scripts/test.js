#!/usr/bin/env node
// The test command (`npm test`): type-check with tsc, lint (ESLint) and format-check (Prettier), run every uvu test file, then print the
// closing line CI reads: `N passed, N failed`. A type error counts as one failed test.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// eslint-disable-next-line no-control-regex -- ANSI colour codes
const strip = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');
const dirs = process.argv.slice(2);

let failed = 0;
let passed = 0;

// The static checks: each counts as one test (type check, lint, format check).
const checks = [
  ['typecheck', 'tsc', ['--noEmit', '-p', root]],
  ['lint', 'eslint', ['--max-warnings', '0', '.']],
  ['format', 'prettier', ['--check', '--log-level', 'warn', '.']],
];
for (const [name, tool, args] of checks) {
  const r = spawnSync(bin(tool), args, { cwd: root, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status === 0) {
    passed += 1;
    process.stdout.write(`${name}: ok\n`);
  } else {
    failed += 1;
    process.stdout.write(`${name}: FAILED\n`);
  }
}

// Not test files: test/helpers/, and test/registry/fixtures/ (algorithm files that compile only once copied into algorithms/ by
// new-algorithm.test.ts). Anchored, so that a test file such as softmax/helpers.test.ts still runs.
const NOT_TESTS = '(^|/)(helpers|fixtures)$';
// The bootstrap tests run in a process of their own: their SEAL key sets (2 GB at N=16384) stay in SEAL's memory pool, which never
// gives memory back, and the seal tests after them in the same process would run out of the 4 GiB WebAssembly heap.
const ISOLATED = 'bootstrap';
const runs = dirs.length
  ? [{ dirs, ignore: NOT_TESTS }]
  : [
      { dirs: [`test/${ISOLATED}`], ignore: NOT_TESTS },
      { dirs: ['test'], ignore: `${NOT_TESTS}|^${ISOLATED}(/|$)` },
    ];
for (const run of runs) {
  const uvu = spawnSync(bin('uvu'), ['-r', 'ts-node/register/transpile-only', ...run.dirs, '--ignore', run.ignore], {
    // SWC transpiles the tests as it does the CLI (bin/hetal-bench.js): much faster starts
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', TS_NODE_SWC: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(uvu.stdout);
  process.stderr.write(uvu.stderr);
  const out = strip(uvu.stdout);
  const total = /Total:\s+(\d+)/.exec(out);
  const ok = /Passed:\s+(\d+)/.exec(out);
  if (total && ok) {
    passed += Number(ok[1]);
    failed += Number(total[1]) - Number(ok[1]);
  }
  if (uvu.status !== 0 && (!total || Number(total[1]) === Number(ok && ok[1]))) failed += 1; // a crash outside any test
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
