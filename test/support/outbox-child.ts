/**
 * A sensor's delivery side in its own process, for the SIGKILL test:
 *   outbox-child.ts DIR URL enqueue N   queue N alerts (prints "enqueued N") and deliver until killed
 *   outbox-child.ts DIR URL deliver N   deliver what the queue holds, then exit 0
 */
import { Outbox } from '../../alerts/delivery/outbox.ts';
import { createSender } from '../../alerts/delivery/senders.ts';
import { alertEvent, webhook } from './alert-fixtures.ts';

const [dir, url, mode, count] = process.argv.slice(2);
const silent = { info() {}, warn() {}, error() {} };
const outbox = Outbox.open({ dir, destinations: [webhook(url)], senderFor: createSender, log: silent });
if (mode === 'enqueue') {
  for (let i = 0; i < Number(count); i++) outbox.enqueue(alertEvent(i));
  process.stdout.write(`enqueued ${count}\n`);
  await new Promise(() => undefined);
} else {
  const done = await outbox.flush(60_000);
  await outbox.close();
  process.exit(done ? 0 : 1);
}
