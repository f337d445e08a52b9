/** Nesterov's coefficients and updates against their closed forms. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { momentum, nesterovGammas } from '../../algorithms/training/nesterov';

test('the coefficients follow the lambda recursion: 0, then (1 - l_s) / l_(s+1)', () => {
  const g = nesterovGammas(4);
  const phi = (1 + Math.sqrt(5)) / 2; // l_2
  const l3 = (1 + Math.sqrt(1 + 4 * phi * phi)) / 2;
  const l4 = (1 + Math.sqrt(1 + 4 * l3 * l3)) / 2;
  assert.is(g[0], 0);
  assert.ok(Math.abs(g[1]! - (1 - phi) / l3) < 1e-15);
  assert.ok(Math.abs(g[2]! - (1 - l3) / l4) < 1e-15);
  assert.ok(g[3]! < g[2]! && g[3]! > -1, 'momentum grows towards 1');
  assert.is(momentum('sgd', 5), 0);
  assert.is(momentum('nesterov', 2), g[2]);
});

test('on a quadratic, the optimizer matches the closed-form linear recurrence', () => {
  // f(w) = a/2 (w - c)^2, grad = a (w - c). With e = w - c the update is linear:
  // e_v(t+1) = (1 - lr a) e_w(t); e_w(t+1) = (1 - g_t) e_v(t+1) + g_t e_v(t), so
  // e_w(t+1) = (1 - lr a) [(1 - g_t) e_w(t) + g_t e_w(t-1)] for t >= 1.
  const a = 3,
    c = 0.7,
    lr = 0.1,
    steps = 25;
  const g = nesterovGammas(steps);
  let w = 5,
    v = 5;
  const ws = [w];
  for (let t = 0; t < steps; t++) {
    const vNew = w - lr * a * (w - c);
    w = (1 - g[t]!) * vNew + g[t]! * v;
    v = vNew;
    ws.push(w);
  }
  const e = ws.map((x) => x - c);
  const k = 1 - lr * a;
  for (let t = 1; t < steps; t++) {
    const expected = k * ((1 - g[t]!) * e[t]! + g[t]! * e[t - 1]!);
    assert.ok(Math.abs(e[t + 1]! - expected) < 1e-12, `step ${t}`);
  }
  // converges (with the oscillation momentum brings on a strongly convex quadratic)
  assert.ok(Math.abs(e[steps]!) < 1e-3 * Math.abs(e[0]!), `|e_25| = ${e[steps]}`);
});

test.run();
