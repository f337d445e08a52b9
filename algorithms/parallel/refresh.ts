/**
 * Refreshes asked for by worker threads. The refresher (client-aided: the key owner decrypts and
 * encrypts afresh) lives on the main thread, so a worker that runs a computation which refreshes
 * (a softmax block) asks the main thread over a channel of its own: it posts the ciphertext and
 * blocks until the fresh one is on the port (the computations are synchronous, so the worker
 * cannot await). The main thread serves the request from its event loop with its own refresher,
 * which counts the refresh and records it in the transcript exactly as a refresh on the main
 * thread: the counts do not depend on where the computation ran.
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { Ct, Evaluator, Refresher } from '../ckks/types';
import type { RefreshChannel, WireCt } from './protocol';
import { fromWire, toWire } from './wire';

/** A request on the channel: the ciphertext and the level asked for. */
interface RefreshRequest {
  readonly ct: WireCt;
  readonly level: number;
}

/** The main thread's answer: the fresh ciphertext, or why the refresh failed. */
type RefreshReply = { readonly ct: WireCt } | { readonly error: string };

/** A refresh channel being served on the main thread. */
export interface ServedChannel {
  /** what the task carries (its port must be in the task's transfer list) */
  readonly channel: RefreshChannel;
  /** the first error the refresher threw while serving (the worker's task fails with its message) */
  readonly failure: () => unknown;
  /** stops serving */
  close(): void;
}

/**
 * Serves refresh requests of one task with `rf`, on `be` (the main evaluator: the request is
 * loaded there, refreshed, and the fresh ciphertext sent back and freed here).
 */
export function serveRefreshes(be: Evaluator, rf: Refresher): ServedChannel {
  const { port1, port2 } = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const ready = new Int32Array(flag);
  let failure: unknown;
  port1.on('message', (req: RefreshRequest) => {
    let reply: RefreshReply;
    let ct: Ct | null = null;
    try {
      ct = fromWire(be, req.ct);
      const fresh = rf.refresh(ct, req.level);
      reply = { ct: toWire(be, fresh) };
      be.free(fresh);
    } catch (err) {
      failure ??= err;
      reply = { error: err instanceof Error ? err.message : String(err) };
    } finally {
      if (ct) be.free(ct);
    }
    port1.postMessage(reply);
    Atomics.store(ready, 0, 1);
    Atomics.notify(ready, 0);
  });
  return {
    channel: {
      port: port2,
      flag,
      kind: rf.kind,
      minInputLevel: rf.minInputLevel,
      outputLevel: rf.outputLevel,
      target: rf.target ?? 'output',
    },
    failure: () => failure,
    close: () => port1.close(),
  };
}

/** The worker's side: a refresher that asks the main thread over `channel` and waits for the answer. */
export class RemoteRefresher implements Refresher {
  readonly kind: string;
  readonly minInputLevel: number;
  readonly outputLevel: number;
  readonly target: 'need' | 'output';
  private readonly ready: Int32Array;

  constructor(
    private readonly be: Evaluator,
    private readonly channel: RefreshChannel,
  ) {
    this.kind = channel.kind;
    this.minInputLevel = channel.minInputLevel;
    this.outputLevel = channel.outputLevel;
    this.target = channel.target;
    this.ready = new Int32Array(channel.flag);
  }

  refresh(ct: Ct, level = this.outputLevel): Ct {
    Atomics.store(this.ready, 0, 0);
    this.channel.port.postMessage({ ct: toWire(this.be, ct), level } satisfies RefreshRequest);
    // the main thread is only awaiting its workers, so it answers at once: ten minutes is a hang
    if (Atomics.wait(this.ready, 0, 0, 600_000) === 'timed-out') throw new Error('refresh: the main thread did not answer in 10 minutes');
    const reply = receiveMessageOnPort(this.channel.port)?.message as RefreshReply | undefined;
    if (!reply) throw new Error('refresh: the main thread signalled an answer that is not on the port');
    if ('error' in reply) throw new Error(reply.error);
    return fromWire(this.be, reply.ct);
  }
}
