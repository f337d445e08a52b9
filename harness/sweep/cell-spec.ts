/**
 * How a sweep hands a cell to the process that runs it: as data. The runner writes the cell as
 * one JSON object on the child's stdin (`hetal-bench cell`, a hidden command); the child checks
 * every value against its parameter's type again and turns each into one `--name=value` word,
 * so no value is ever read as a flag of its own (a value "--out=/tmp/x" stays the value of its
 * parameter, where its type check has already refused it).
 */
import { InputError } from '../../algorithms/errors';
import { type CellParams, checkParam } from '../cell';
import type { Cell, Kind } from './config';

/** Boolean flags that are on by default: `false` is written as `--no-NAME`. */
const NEGATABLE = new Set(['noise']);

/** The JSON a cell is sent as. */
export function encodeCellSpec(cell: Cell): string {
  return JSON.stringify({ kind: cell.kind, params: cell.params, key: cell.key });
}

/** Parses and re-validates a cell spec; errors name `where`. */
export function decodeCellSpec(text: string, where: string): Cell {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new InputError(`${where}: must be a JSON object`);
  const { kind, params, key } = raw as { kind?: unknown; params?: unknown; key?: unknown };
  if (kind !== 'matmul' && kind !== 'softmax' && kind !== 'train') throw new InputError(`${where}: unknown kind ${JSON.stringify(kind)}`);
  if (params === null || typeof params !== 'object' || Array.isArray(params)) throw new InputError(`${where}: "params" must be an object`);
  const checked: CellParams = {};
  for (const [p, v] of Object.entries(params as Record<string, unknown>)) checked[p] = checkParam(kind, p, v, `${where}: ${p}`);
  return { kind: kind as Kind, params: checked, key: typeof key === 'string' ? key : '' };
}

/** The command words that run a validated cell: its kind, `--json`, and one `--name=value` per parameter. */
export function cellArgv(cell: Cell): string[] {
  const args = [cell.kind, '--json'];
  for (const [k, v] of Object.entries(cell.params)) {
    if (v === true) {
      if (!NEGATABLE.has(k)) args.push(`--${k}`);
    } else if (v === false) {
      if (NEGATABLE.has(k)) args.push(`--no-${k}`);
    } else args.push(`--${k}=${String(v)}`);
  }
  return args;
}
