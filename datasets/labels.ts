/** Turning integer labels as found in files into class indices 0..C-1. */
import { InputError } from '../algorithms/errors';

/** Class indices and names for integer `labels`; classes are the distinct labels, ascending. */
export function encodeIntegerLabels(labels: ArrayLike<number>, source: string): { y: Int32Array; classNames: string[] } {
  const distinct = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  if (distinct.length < 2) {
    const seen = distinct.length === 0 ? 'no labels' : `only label ${distinct[0]}`;
    throw new InputError(`${source}: fewer than 2 classes (${seen}); classification needs at least 2`);
  }
  const indexOf = new Map(distinct.map((label, index) => [label, index]));
  const y = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) y[i] = indexOf.get(labels[i]!)!;
  return { y, classNames: distinct.map(String) };
}
