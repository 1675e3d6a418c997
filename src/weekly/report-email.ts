/**
 * The weekly report by e-mail (nodemailer): the HTML as the message body, the PDF attached,
 * to the configured recipients. STARTTLS is required unless explicitly turned off (a relay on
 * loopback); credentials come from environment variables named in the configuration.
 */
import { createTransport } from 'nodemailer';
import { VoipwatchError } from '../errors.ts';
import type { WeeklyReport } from './weekly-report.ts';

export interface EmailConfig {
  host: string;
  port: number;
  /** TLS from the first byte (port 465) */
  secure: boolean;
  /** refuse to send when the server does not offer STARTTLS (ignored with secure) */
  requireTls: boolean;
  from: string;
  to: readonly string[];
  user: string | null;
  password: string | null;
  attachPdf: boolean;
}

const ADDRESS = /^[^\s@<>"]{1,64}@[A-Za-z0-9.-]{1,253}$/;

export function parseEmailConfig(section: unknown, env: NodeJS.ProcessEnv): EmailConfig | null {
  if (section === undefined || section === null) return null;
  const bad = (k: string, m: string): never => { throw new VoipwatchError('ERR_CONFIG', `reports.email.${k}: ${m}`); };
  if (typeof section !== 'object' || Array.isArray(section)) bad('', 'must be a mapping');
  const o = section as Record<string, unknown>;
  const keys = ['host', 'port', 'secure', 'requireTls', 'from', 'to', 'userEnv', 'passwordEnv', 'attachPdf'];
  for (const k of Object.keys(o)) if (!keys.includes(k)) bad(k, `unknown setting (known: ${keys.join(', ')})`);
  if (typeof o.host !== 'string' || !o.host) bad('host', 'the SMTP server name or address');
  const port = o.port === undefined ? 587 : Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) bad('port', 'a port number');
  if (typeof o.from !== 'string' || !ADDRESS.test(o.from)) bad('from', 'one e-mail address');
  if (!Array.isArray(o.to) || o.to.length === 0 || o.to.some((x) => typeof x !== 'string' || !ADDRESS.test(x))) bad('to', 'a list of e-mail addresses');
  const fromEnv = (k: string): string | null => {
    if (o[k] === undefined) return null;
    const v = env[String(o[k])];
    if (!v) bad(k, `the environment variable ${String(o[k])} is not set`);
    return v as string;
  };
  return Object.freeze({
    host: o.host as string, port, secure: o.secure === true, requireTls: o.requireTls !== false, from: o.from as string, to: Object.freeze([...(o.to as string[])]),
    user: fromEnv('userEnv'), password: fromEnv('passwordEnv'), attachPdf: o.attachPdf !== false,
  });
}

export async function sendReportEmail(c: EmailConfig, report: WeeklyReport, html: string, pdf: Buffer | null): Promise<string> {
  const transport = createTransport({
    host: c.host, port: c.port, secure: c.secure, requireTLS: !c.secure && c.requireTls, ignoreTLS: !c.secure && !c.requireTls,
    auth: c.user ? { user: c.user, pass: c.password ?? '' } : undefined, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000,
  });
  const pct = (p: number | null) => (p === null ? 'no data' : `${p}%`);
  try {
    const info = await transport.sendMail({
      from: c.from, to: [...c.to],
      subject: `VoIP encryption ${report.week}: media ${pct(report.coverage.media_streams.pct)}, signaling ${pct(report.coverage.signaling.pct)}`,
      text: `Weekly encryption-coverage report ${report.week} (${report.from} to ${report.to}, ${report.time_zone}). The HTML version is this message; the PDF is attached.`,
      html,
      attachments: pdf ? [{ filename: `voipwatch-${report.week}.pdf`, content: pdf, contentType: 'application/pdf' }] : [],
    });
    return info.messageId;
  } finally {
    transport.close();
  }
}
