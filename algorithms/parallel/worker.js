// Entry of an evaluator pool's worker thread (piscina loads it): workers start without the main
// thread's TypeScript loader, so this registers ts-node (transpile-only) as bin/hetal-bench.js
// does, then hands piscina the task function of tasks.ts. Not with SWC: its native addon,
// loaded in a worker thread that is then terminated, crashes the process (segmentation fault)
// when a later pool's workers load it again; TypeScript's own transpiler is plain JavaScript
// (about 1 s more per worker start, once per command).
'use strict';
const path = require('node:path');
require('ts-node').register({
  transpileOnly: true,
  swc: false,
  project: path.join(__dirname, '..', '..', 'tsconfig.json'),
});
module.exports = require('./tasks.ts').handle;
