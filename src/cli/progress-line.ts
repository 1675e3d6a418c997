/** A one-line progress bar for a terminal's stderr, redrawn at most ten times a second. */
import type { WriteStream } from 'node:tty';

const REDRAW_INTERVAL_MS = 100;
/** Files smaller than this finish before a bar is worth drawing. */
const MIN_BYTES_FOR_BAR = 16 * 1024 * 1024;

export class ProgressLine {
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(private readonly out: WriteStream, private readonly total: number) {}

  update(done: number): void {
    if (this.total < MIN_BYTES_FOR_BAR) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    const frac = Math.min(1, done / this.total);
    const width = 30;
    const filled = Math.round(frac * width);
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? done / secs / 1024 / 1024 : 0;
    this.out.write(`\r[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${rate.toFixed(0)} MiB/s `);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\r\u001b[2K');
  }
}
