/** `voipwatch` as a user runs it: a separate process, no store settings inherited from the test's environment. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = new URL('../..', import.meta.url).pathname;
const cli = join(repoRoot, 'bin/voipwatch.js');
export const bundledCapture = (name: string): string => join(repoRoot, 'captures', name);

export interface CliResult { stdout: string; stderr: string; code: number }

export async function voipwatch(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.VOIPWATCH_DATA_DIR;
  delete env.VOIPWATCH_CLICKHOUSE_URL;
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}
