/**
 * Log lines of the short-lived commands (analyze, db, alerts): one line each on stderr, message
 * first, then the fields as JSON. The long-running sensor logs structured JSON instead.
 */
import type { StoreLogger } from '../store/batch-writer.ts';

export function stderrLogger(stream: NodeJS.WritableStream = process.stderr): StoreLogger & { error(obj: object, msg: string): void } {
  const line = (level: string, obj: object, msg: string) => stream.write(`voipwatch: ${level}: ${msg} ${JSON.stringify(obj)}\n`);
  return {
    info: (obj, msg) => line('info', obj, msg),
    warn: (obj, msg) => line('warning', obj, msg),
    error: (obj, msg) => line('error', obj, msg),
  };
}
