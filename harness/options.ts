/** Option parsing shared by the commands: common flags and value parsers with clear errors. */
import os from 'node:os';
import { type Command, Option } from 'commander';
import { REFRESH_KINDS, type RefreshKind } from '../algorithms/ckks/session';
import { InputError } from '../algorithms/errors';

/** The flags every experiment command has. */
export interface CommonOptions {
  json?: boolean;
  out?: string;
  seed: number;
}

/** Adds --json, --out DIR and --seed N to a command. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print one JSON record per line on stdout (progress goes to stderr)')
    .option('--out <dir>', 'append records to DIR/results.jsonl and DIR/results.csv')
    .addOption(new Option('--seed <n>', 'random seed').default(1).argParser((v) => parseInteger('--seed', v, 0)));
}

/** The performance policies shared by matmul, softmax and train (issue-level ablation switches). */
export interface PerformanceOptions {
  inputLevel: string;
  relin: string;
  atbSums: string;
}

/** Resolved performance policies. */
export interface Performance {
  /** 'auto': the client encrypts each input at the level its consumers need; 'top': at the top level. */
  inputLevel: 'top' | 'auto';
  /** 'lazy': one relinearization per accumulated sum of products; 'eager': one per product. */
  relin: 'eager' | 'lazy';
  /** 'shared': DiagATB's column-sum rotations across class periods once per block column (fewer
   * rotations than the paper); 'per-pair': once per diagonal pair, the paper's algorithm and counts. */
  atbSums: 'per-pair' | 'shared';
  /** Worker threads for the independent work of a computation (absent: 1, all on the main thread). */
  workers?: number;
}

/** Adds --input-level, --relin and --atb-sums. */
export function withPerformanceOptions(cmd: Command): Command {
  cmd
    .addOption(
      new Option(
        '--input-level <policy>',
        "top: inputs encrypted and refreshed to the top level; auto: at the level their consumers need (train: the softmax's client-aided refreshes too)",
      ).default('auto'),
    )
    .addOption(new Option('--relin <policy>', 'eager: relinearize each product; lazy: once per accumulated sum').default('lazy'))
    .addOption(
      new Option(
        '--atb-sums <policy>',
        "per-pair: DiagATB rotates each diagonal pair's column sum on its own (the paper's algorithm and Table 7 counts); " +
          'shared: the rotations across class periods once per block column, on the sum of the pairs (fewer rotations)',
      ).default('shared'),
    );
  return cmd;
}

/** Adds --workers. */
export function withWorkersOption(cmd: Command): Command {
  return cmd.option(
    '--workers <n>',
    "worker threads, each an evaluator built from the evaluation keys, for a computation's independent work; 1: all on the main thread " +
      "(default: the machine's cores on seal; 1 on sim, whose times are slot arithmetic, not CKKS cost)",
  );
}

/** Checks --workers; its default: the machine's cores on seal, 1 elsewhere (a pool costs seconds to start). */
export function parseWorkers(value: string | undefined, backend: string): number {
  if (value === undefined) return backend === 'seal' ? os.availableParallelism() : 1;
  return parseInteger('--workers', value, 1);
}

/** Checks the performance flags. */
export function parsePerformance(opts: PerformanceOptions): Performance {
  return {
    inputLevel: parseChoice('--input-level', opts.inputLevel, ['top', 'auto'] as const),
    relin: parseChoice('--relin', opts.relin, ['eager', 'lazy'] as const),
    atbSums: parseChoice('--atb-sums', opts.atbSums, ['per-pair', 'shared'] as const),
  };
}

/** An integer >= min (and <= limit.max, whose reason the error gives), or an InputError naming the flag. */
export function parseInteger(flag: string, value: string, min = 1, limit?: { max: number; why: string }): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new InputError(`${flag}: '${value}' is not an integer >= ${min}`);
  }
  if (limit && n > limit.max) throw new InputError(`${flag}: ${n} is above the limit of ${limit.max} (${limit.why})`);
  return n;
}

/** A finite positive number, or an InputError naming the flag. */
export function parsePositive(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InputError(`${flag}: '${value}' is not a positive number`);
  return n;
}

/** A comma-separated list, each item parsed by `item`; empty items are an error. */
export function parseList<T>(flag: string, value: string, item: (s: string) => T): T[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new InputError(`${flag}: '${value}' has an empty item`);
  return parts.map(item);
}

/** One of `allowed`, or an InputError listing them. */
export function parseChoice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`${flag}: unknown value '${value}' (allowed: ${allowed.join(', ')})`);
  }
  return value as T;
}

/** The refresher and preset-security switches of softmax, train and bootstrap. */
export interface RefreshOptions {
  refresh?: string;
  insecure?: boolean;
}

/** Adds --refresh client|bootstrap and --insecure. */
export function withRefreshOptions(cmd: Command, refresh = true): Command {
  if (refresh) {
    cmd.addOption(
      new Option(
        '--refresh <kind>',
        "client: a round trip to the key owner (the stand-in for bootstrapping); bootstrap: the preset's CKKS bootstrap, on the server alone; bootstrap-model (sim): the first bootstrap run, the others modelled (its counts, noise of its measured size)",
      ).default('client'),
    );
  }
  return cmd.option('--insecure', 'allow a preset without a security claim (the bootstrap test presets); its records are marked insecure');
}

/** The validated --refresh kind. */
export function parseRefresh(value: string | undefined): RefreshKind {
  return parseChoice('--refresh', value ?? 'client', REFRESH_KINDS);
}
