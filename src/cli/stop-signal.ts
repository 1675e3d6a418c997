/**
 * SIGINT/SIGTERM as a request to stop: the first one is recorded so the command can finish
 * what it holds (flush the store, spool the rest) and exit with 128 + the signal number; a
 * second one ends the process at once.
 */
import { constants } from 'node:os';

export class StopSignal {
  signal: NodeJS.Signals | null = null;
  private readonly handler = (sig: NodeJS.Signals) => {
    if (this.signal !== null) process.exit(this.exitCode);
    this.signal = sig;
    if (this.onStop) this.onStop(sig);
    else process.stderr.write(`voipwatch: ${sig}: finishing up (flushing the store); send it again to stop at once\n`);
  };

  /** `onStop` runs at the first signal (a daemon logs and starts its shutdown there). */
  constructor(private readonly onStop?: (signal: NodeJS.Signals) => void) {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get requested(): boolean { return this.signal !== null; }

  get exitCode(): number { return this.signal ? 128 + (constants.signals[this.signal] ?? 15) : 0; }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
