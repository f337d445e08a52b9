/**
 * Nesterov's accelerated gradient in the HE-friendly form of hetal.md section 6 (Bubeck's
 * presentation): v_(t+1) = w_t - lr * grad(w_t); w_(t+1) = (1 - g_t) v_(t+1) + g_t v_t, with
 * g_t = (1 - l_(t+1)) / l_(t+2), l_0 = 0, l_(s+1) = (1 + sqrt(1 + 4 l_s^2)) / 2.
 * The index is shifted by one from the spec's literal "g_t = (1 - l_t) / l_(t+1)" because with
 * l_0 = 0 that form gives g_0 = 1, which makes the first step a no-op; the shifted form starts
 * with g_0 = 0 (a plain gradient step), then momentum grows towards 1.
 */

/** The momentum coefficients g_0 .. g_(steps-1). */
export function nesterovGammas(steps: number): Float64Array {
  const l = new Float64Array(steps + 2);
  l[0] = 0;
  for (let s = 0; s < steps + 1; s++) l[s + 1] = (1 + Math.sqrt(1 + 4 * l[s]! * l[s]!)) / 2;
  const g = new Float64Array(steps);
  for (let t = 0; t < steps; t++) g[t] = (1 - l[t + 1]!) / l[t + 2]!;
  return g;
}

/** The coefficient of step t (0-based): 0 for plain SGD. */
export function momentum(optimizer: 'nesterov' | 'sgd', t: number): number {
  return optimizer === 'sgd' ? 0 : nesterovGammas(t + 1)[t]!;
}
