/**
 * The `voipwatch` command line. Each command parses its own flags strictly: an unknown flag
 * is an error that names it, never silently ignored.
 */
import { runAnalyze, ANALYZE_USAGE } from './analyze-command.ts';
import { runDb, DB_USAGE } from './db-command.ts';
import { runSensor, SENSOR_USAGE } from './sensor-command.ts';
import { runAlerts, ALERTS_USAGE } from './alerts-command.ts';
import { runServe, runAccess, SERVE_USAGE, ACCESS_USAGE } from './serve-command.ts';
import { runReport, REPORT_USAGE } from './report-command.ts';
import { isVoipwatchError } from '../errors.ts';
import { VOIPWATCH_VERSION } from '../version.ts';

const USAGE = `usage: voipwatch <command> [options]

commands:
  analyze FILE...    analyze pcap/pcapng capture files and report findings
  sensor             capture live on a mirror port (see voipwatch sensor --help)
  db migrate|status  apply or show the store's schema migrations
  alerts ACTION      test a destination; acknowledge, allowlist, audit (see voipwatch alerts --help)
  serve              the API and dashboard over the store
  report             the weekly encryption-coverage report (html, md, json, csv, pdf)
  token, user        API tokens and dashboard users
  help               show this help

${ANALYZE_USAGE}
${SENSOR_USAGE}
${DB_USAGE}
${ALERTS_USAGE}
${SERVE_USAGE}
${ACCESS_USAGE}
${REPORT_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze': return await runAnalyze(rest);
      case 'db': return await runDb(rest);
      case 'sensor': return await runSensor(rest);
      case 'alerts': return await runAlerts(rest);
      case 'serve': return await runServe(rest);
      case 'report': return await runReport(rest);
      case 'token': return await runAccess('token', rest);
      case 'user': return await runAccess('user', rest);
      case undefined: case 'help': case '-h': case '--help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      case '--version': case 'version':
        process.stdout.write(`voipwatch ${VOIPWATCH_VERSION}\n`);
        return 0;
      default:
        process.stderr.write(`voipwatch: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (isVoipwatchError(err)) {
      process.stderr.write(`voipwatch: ${err.message} [${err.code}]\n`);
      return 2;
    }
    throw err;
  }
}
