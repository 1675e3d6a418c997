/** The sender for a destination: HTTP webhooks render their format's body; syslog sends CEF. */
import { WebhookSender } from './webhook-sender.ts';
import { SyslogSender } from './syslog-sender.ts';
import { renderWebhookBody } from '../formats/webhook-body.ts';
import type { AlertSender, Destination } from '../alert-event.ts';

export function createSender(dest: Destination): AlertSender {
  if (dest.type === 'syslog') return new SyslogSender(dest);
  return new WebhookSender(dest, (event) => renderWebhookBody(dest, event));
}
