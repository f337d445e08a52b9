#!/usr/bin/env node
// The test command (`npm test`): type-check with tsc, run every uvu test file, then print the
// closing line CI reads: `N passed, N failed`. A type error counts as one failed test.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const strip = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');
const dirs = process.argv.slice(2);

let failed = 0;
let passed = 0;

const tsc = spawnSync(bin('tsc'), ['--noEmit', '-p', root], { cwd: root, encoding: 'utf8' });
process.stdout.write(tsc.stdout);
process.stderr.write(tsc.stderr);
if (tsc.status === 0) {
  passed += 1;
  process.stdout.write('typecheck: ok\n');
} else {
  failed += 1;
  process.stdout.write('typecheck: FAILED\n');
}

const uvu = spawnSync(bin('uvu'), ['-r', 'ts-node/register/transpile-only', ...(dirs.length ? dirs : ['test']), '--ignore', 'helpers'], {
  // SWC transpiles the tests as it does the CLI (bin/hetal-bench.js): much faster starts
  cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', TS_NODE_SWC: 'true' }, maxBuffer: 64 * 1024 * 1024,
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
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
