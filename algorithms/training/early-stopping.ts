/**
 * Early stopping on validation loss: the client decrypts validation predictions each epoch and
 * answers "go on" or "stop"; the server keeps the weights of the best epoch.
 */
export class EarlyStopping {
  private best = Infinity;
  private bestAt = 0;
  private since = 0;
  private epoch = 0;

  /** @param patience epochs without improvement before stopping (Infinity: never stop) */
  constructor(private readonly patience: number) {}

  /**
   * Records the loss of the next epoch. Returns whether it is the best so far (keep these
   * weights) and whether to stop now.
   */
  observe(loss: number): { improved: boolean; stop: boolean } {
    this.epoch += 1;
    const improved = loss < this.best;
    if (improved) {
      this.best = loss;
      this.bestAt = this.epoch;
      this.since = 0;
    } else {
      this.since += 1;
    }
    return { improved, stop: this.since >= this.patience };
  }

  /** 1-based epoch of the best loss so far (0 before any). */
  get bestEpoch(): number {
    return this.bestAt;
  }

  /** The best loss so far. */
  get bestLoss(): number {
    return this.best;
  }
}
