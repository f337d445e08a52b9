// Entry of an evaluator pool's worker thread (piscina loads it): workers start without the main
// thread's TypeScript loader, so this registers ts-node (transpile-only, SWC) as
// bin/hetal-bench.js does, then hands piscina the task function of tasks.ts.
'use strict';
const path = require('node:path');
require('ts-node').register({
  transpileOnly: true,
  swc: true,
  project: path.join(__dirname, '..', '..', 'tsconfig.json'),
});
module.exports = require('./tasks.ts').handle;
