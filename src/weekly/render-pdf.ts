/**
 * The HTML report printed to PDF (A4) by headless Chromium through playwright-core. The page
 * runs with JavaScript off and every request refused: the document is self-contained, and a
 * value from the wire must not make the printer fetch anything.
 */
import { existsSync } from 'node:fs';
import { VoipwatchError } from '../errors.ts';

export async function renderPdf(html: string, opts: { executablePath?: string } = {}): Promise<Buffer> {
  const executablePath = opts.executablePath ?? process.env.VOIPWATCH_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new VoipwatchError('ERR_PDF', `PDF needs Chromium at ${executablePath} (Debian: apt-get install chromium; or set VOIPWATCH_CHROMIUM)`);
  let pw: typeof import('playwright-core');
  try { pw = await import('playwright-core'); } catch (cause) {
    throw new VoipwatchError('ERR_PDF', 'PDF needs the playwright-core package (npm install playwright-core)', { cause });
  }
  const browser = await pw.chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
