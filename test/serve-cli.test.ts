/** `voipwatch user add`, `token create|list|revoke` and `serve`, as separate processes over one embedded store. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, voipwatch } from './support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'voipwatch-serve-'));
const test = suite('serve, token and user commands');
test.after(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.VOIPWATCH_DATA_DIR;
    const child = spawn(process.execPath, [join(repoRoot, 'bin/voipwatch.js'), ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('should create a user from stdin, issue and revoke tokens, and serve only to their holders', async () => {
  const user = await run(['user', 'add', 'ana', '--scope', 'write', '--password-stdin', '--data-dir', dir], 'a long enough password\n');
  assert.is(user.code, 0, user.stderr);
  assert.match(user.stdout, /user ana \(write\) added/);
  assert.not.match(user.stdout + user.stderr, /a long enough password/, 'the password is not echoed');
  const short = await run(['user', 'add', 'bob', '--password-stdin', '--data-dir', dir], 'short\n');
  assert.is(short.code, 2);
  assert.match(short.stderr, /at least 12 characters/);
  const created = await voipwatch(['token', 'create', '--name', 'siem', '--format', 'json', '--data-dir', dir]);
  assert.is(created.code, 0, created.stderr);
  const { token, token_id } = JSON.parse(created.stdout) as { token: string; token_id: string };
  assert.match(token, /^vw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.match((await voipwatch(['token', 'list', '--data-dir', dir])).stdout, new RegExp(`${token_id}  read   .* siem`));

  const server = spawn(process.execPath, [join(repoRoot, 'bin/voipwatch.js'), 'serve', '--listen', '127.0.0.1:0', '--data-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let err = '';
      server.stderr!.on('data', (c) => { err += c; const m = /serving the dashboard and API on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err); if (m) resolve(m[1]); });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    assert.is((await fetch(`${base}/api/v1/alerts`)).status, 401);
    const ok = await fetch(`${base}/api/v1/alerts`, { headers: { authorization: `Bearer ${token}` } });
    assert.is(ok.status, 200);
    assert.equal(((await ok.json()) as { items: unknown[] }).items, []);
    const page = await fetch(`${base}/`);
    assert.is(page.status, 200, 'the dashboard is found from the command as installed (bundle or sources)');
    assert.match(await page.text(), /<script type="module" src="\/assets\/app\.js">/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.is((await fetch(`${base}/assets/view-overview.js`)).status, 200);
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.on('exit', r));
  }
  assert.match((await voipwatch(['token', 'revoke', token_id, '--data-dir', dir])).stdout, /revoked/);
  assert.match((await voipwatch(['token', 'list', '--data-dir', dir])).stdout, /no tokens/);
});

test('should refuse to serve on a public address without TLS', async () => {
  const res = await voipwatch(['serve', '--listen', '0.0.0.0:9329', '--data-dir', dir]);
  assert.is(res.code, 2);
  assert.match(res.stderr, /refusing to serve the API on 0\.0\.0\.0 without TLS/);
});

test.run();
