/** `voipwatch analyze FILE...` */
import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { analyzeCaptures } from '../analyze.ts';
import { renderSummary } from '../report/terminal-summary.ts';
import { VoipwatchError } from '../errors.ts';
import { DEFAULT_INTERNAL_NETWORKS, NetworkClassifier } from '../net/networks.ts';
import { ProgressLine } from './progress-line.ts';

export const ANALYZE_USAGE = `usage: voipwatch analyze [options] FILE...

options:
  --format text|json     output format (default: text; json prints the findings contract)
  --internal CIDR,...    internal networks (default: ${DEFAULT_INTERNAL_NETWORKS.join(',')})
  --no-store             do not write to the store
  --no-progress          no progress bar on stderr
  -h, --help             show this help
`;

export async function runAnalyze(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        internal: { type: 'string' },
        'no-store': { type: 'boolean', default: false },
        'no-progress': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${ANALYZE_USAGE}`, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) { process.stdout.write(ANALYZE_USAGE); return 0; }
  if (values.format !== 'text' && values.format !== 'json') {
    throw new VoipwatchError('ERR_CLI_ARGS', `--format must be text or json, not ${JSON.stringify(values.format)}`);
  }
  if (positionals.length === 0) throw new VoipwatchError('ERR_CLI_ARGS', `no capture file given\n\n${ANALYZE_USAGE}`);

  let totalBytes = 0;
  for (const file of positionals) {
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new VoipwatchError('ERR_CAPTURE_NOT_FILE', `${file} is not a file`);
      totalBytes += st.size;
    } catch (cause) {
      if (cause instanceof VoipwatchError) throw cause;
      throw new VoipwatchError('ERR_CAPTURE_NOT_FOUND', `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message}`, { cause });
    }
  }
  const internalNetworks = values.internal !== undefined ? values.internal.split(',') : undefined;
  if (internalNetworks) new NetworkClassifier(internalNetworks); // validates before any work

  const progress = !values['no-progress'] && process.stderr.isTTY ? new ProgressLine(process.stderr, totalBytes) : null;
  let doneBefore = 0;
  let currentTotal = 0;
  const result = await analyzeCaptures(positionals, {
    internalNetworks,
    onProgress: progress ? (read, total) => {
      if (total !== currentTotal) { doneBefore += currentTotal; currentTotal = total; }
      progress.update(doneBefore + read);
    } : undefined,
  });
  progress?.done();

  if (values.format === 'json') process.stdout.write(JSON.stringify(result.report, null, 2) + '\n');
  else process.stdout.write(renderSummary(result.report, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }));
  return 0;
}
