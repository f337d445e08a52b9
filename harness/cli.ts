/**
 * The hetal-bench command line: one commander program, one module per command under
 * harness/commands/. Errors caused by bad input (InputError) print one line and exit 2;
 * anything else is a bug and exits 1 with its stack on stderr.
 */
import { Command, CommanderError } from 'commander';
import { InputError } from '../algorithms/errors';
import { registerList } from './commands/list';
import { registerOps } from './commands/ops';
import { registerSweep } from './commands/sweep';
import { registerBench } from './commands/bench';
import { registerTrain } from './commands/train';
import { registerReport } from './commands/report';
import { registerCompare } from './commands/compare';
import { registerSoftmax } from './commands/softmax';
import { registerMatmul } from './commands/matmul';
import { registerSubmit } from './commands/submit';
import { registerMerge } from './commands/merge';
import { registerCell } from './commands/cell';
import { releaseAllLocks } from './lock';
import { runsSeal, startMemoryWatchdog } from './watchdog';
import { registerEstimate } from './commands/estimate';
import { registerBootstrap } from './commands/bootstrap';

/** Builds the program; each command module adds its own subcommand. */
export function buildProgram(): Command {
  const program = new Command('hetal-bench')
    .description('Benchmark harness for HETAL-style encrypted transfer learning (CKKS on node-seal)')
    .showHelpAfterError(false)
    .showSuggestionAfterError(false)
    .configureOutput({
      // commander's own errors (unknown command or option, missing value) in our one-line form
      outputError: (str, write) => write(`hetal-bench: ${str.replace(/^error: /, '').trim()}\n`),
    })
    .exitOverride();
  registerList(program);
  registerOps(program);
  registerSweep(program);
  registerBench(program);
  registerTrain(program);
  registerReport(program);
  registerCompare(program);
  registerSoftmax(program);
  registerMatmul(program);
  registerSubmit(program);
  registerMerge(program);
  registerCell(program, buildProgram);
  registerEstimate(program);
  registerBootstrap(program);
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit status. `process`: this
 * call is the whole process (bin/hetal-bench.js), so a seal run may be guarded by the memory
 * watchdog, which kills the process; never when the CLI is called inside another program.
 */
export async function main(argv: string[], opts: { process?: boolean } = {}): Promise<number> {
  const program = buildProgram();
  // a seal run that reaches the heap ceiling must end, not spin (harness/watchdog.ts)
  if (opts.process && runsSeal(argv)) startMemoryWatchdog();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // a command may set a non-zero status without throwing (e.g. an interrupted sweep: 130)
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help text, with exit code 0).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`hetal-bench: ${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    // a command that threw after opening --out leaves no lock behind
    releaseAllLocks();
  }
}
