import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFakeMicWav, repoRoot, startWebStack, type WebStack } from './stack';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const ARTIFACTS = path.join(repoRoot, 'test-artifacts/web');
const POSITIVE = 'What a wonderful day. I really love this, it is great and I am so happy.';

/** CHROMIUM_PATH when set, else the first Chromium on PATH (Debian's package names it `chromium`). */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    } catch {
      // not this one; try the next name
    }
  }
  throw new Error('no Chromium found: install Debian\'s chromium or set CHROMIUM_PATH');
}

let web: WebStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'vp-web-e2e-'));
  await mkdir(ARTIFACTS, { recursive: true });
  const [stack, micWav] = await Promise.all([startWebStack(), makeFakeMicWav(workDir, POSITIVE)]);
  web = stack;
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${micWav}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  context = await browser.newContext({ baseURL: web.webUrl, viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Zero axe-core violations on the page as it is now. */
async function expectAccessible(name: string) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  expect(violations, `axe violations on ${name}`).toEqual([]);
}

const shot = (name: string, fullPage = true) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
const button = (name: string) => page.getByRole('button', { name, exact: true });

async function signIn(userId: string, role: 'User' | 'Admin' = 'User') {
  await page.goto('/signin');
  await page.getByLabel('User id').fill(userId);
  await page.getByLabel('Role').selectOption({ label: role });
  await button('Sign in').click();
  await page.getByRole('heading', { name: 'Record', exact: true }).waitFor();
}

async function recordTake(ms: number) {
  await expect.poll(() => button('Start recording').isEnabled(), { timeout: 20_000 }).toBe(true);
  await button('Start recording').click();
  await page.getByText('Recording…').waitFor();
  await page.waitForTimeout(ms);
  await button('Stop recording').click();
  await page.getByText(/Recorded take/).waitFor();
}

describe('voicepulse web app in Chromium', () => {
  it('signs in with a dev token and keeps the session across a reload', async () => {
    await page.goto('/');
    await page.getByRole('heading', { name: 'Continue as' }).waitFor();
    await expectAccessible('sign-in');
    await shot('01-sign-in');
    await signIn('e2e-speaker');
    await page.reload();
    await page.getByRole('heading', { name: 'Record', exact: true }).waitFor();
    await page.getByText('e2e-speaker').waitFor();
  });

  it('records ~4 s from the microphone, uploads it and follows it live to scored', async () => {
    await recordTake(4_000);
    await page.getByLabel('Transcript (optional)').fill(POSITIVE);
    await button('Upload').click();
    await page.getByRole('link', { name: 'View recording' }).waitFor({ timeout: 30_000 });
    // The badge changes through Server-Sent Events only: this page never re-fetches the recording.
    await page.locator('.uploaded [data-status="scored"]').waitFor({ timeout: 90_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\n${web.diagnostics()}`);
    });
    await expectAccessible('record');
    await shot('02-record-uploaded');

    await page.getByRole('link', { name: 'View recording' }).click();
    const talk = page.getByTestId('talk-time');
    await talk.waitFor();
    expect(await talk.textContent()).toMatch(/^\d+(\.\d)? s$/);
    const seconds = Number((await talk.textContent())!.split(' ')[0]);
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(6);
    expect(await page.getByTestId('sentiment').textContent()).toMatch(/^Positive/);
    await page.getByRole('img', { name: /Waveform with [1-9]\d* speech segment/ }).waitFor();
    await page.locator('.waveform [role="status"]').waitFor({ state: 'detached' });
    await expectAccessible('recording detail');
    await shot('03-recording-detail');
  });

  it('lists recordings with their status', async () => {
    await page.getByRole('link', { name: 'Recordings', exact: true }).click();
    await page.locator('tbody [data-status="scored"]').first().waitFor();
    await expectAccessible('recordings');
    await shot('04-recordings');
  });

  it('explains a rejected file and a recording that failed processing in plain words', async () => {
    await page.getByRole('link', { name: 'Record', exact: true }).click();
    const picker = page.getByLabel('Choose an audio file');
    await picker.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('this is not audio at all') });
    await button('Upload').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Upload failed: That file is not audio we can read/);
    await expectAccessible('record with error');
    await shot('05-upload-rejected');

    // A WAV header with its body cut off passes the upload check but cannot be decoded.
    const wav = await readFile(path.join(workDir, 'fake-mic.wav'));
    await button('Discard').click();
    await picker.setInputFiles({ name: 'cut.wav', mimeType: 'audio/wav', buffer: wav.subarray(0, 3_000) });
    await button('Upload').click();
    await page.locator('.uploaded [data-status="failed"]').waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'View recording' }).click();
    const reason = page.locator('.failure');
    await reason.waitFor();
    expect(await reason.textContent()).toMatch(/damaged or incomplete|not a kind of audio we can process/);
    await expectAccessible('failed recording');
    await shot('06-recording-failed');
  });

  it('shows the dashboard for the period', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByLabel('From').waitFor();
    // Charts with data, the empty state, or a readable error: any settled state, never a spinner.
    await page.locator('main .stats, main .empty, main [role="alert"]').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('main [role="alert"]').allTextContents()).not.toContainEqual(expect.stringMatching(/[{}]/));
    await expectAccessible('dashboard');
    await shot('07-dashboard');
  });

  it('deletes a recording only after confirmation', async () => {
    await page.getByRole('link', { name: 'Recordings', exact: true }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first: the failed take from the previous test.
    await rows.first().getByRole('button', { name: /^Delete recording from/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this recording?' });
    await dialog.waitFor();
    await expectAccessible('delete confirmation');
    await shot('10-delete-confirmation', false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await rows.count()).toBe(2);
    await rows.first().getByRole('button', { name: /^Delete recording from/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().locator('[data-status="scored"]').waitFor();
  });

  it('is usable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Record', exact: true }).click();
    await button('Start recording').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible('record (phone)');
    await shot('08-record-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('runs the emotion corpus: admin adds a prompt, a take is recorded for it, and the dataset exports', async () => {
    await button('Sign out').click();
    await signIn('e2e-admin', 'Admin');
    await page.getByRole('link', { name: 'Emotion corpus' }).click();
    await page.getByRole('heading', { name: 'Manage prompts' }).waitFor();
    const sentence = 'We won the championship and everyone is celebrating!';
    await page.getByLabel('Sentence').fill(sentence);
    await page.getByLabel('Emotions to act (comma-separated)').fill('Happy, surprised');
    await button('Add prompt').click();
    await page.getByRole('cell', { name: sentence, exact: true }).waitFor();

    await page.getByTestId('prompt-text').filter({ hasText: sentence }).waitFor();
    const emotion = (await page.getByTestId('prompt-emotion').textContent())!;
    expect(['happy', 'surprised']).toContain(emotion);
    await recordTake(2_500);
    await button('Upload').click();
    await page.getByRole('link', { name: 'View recording' }).waitFor({ timeout: 30_000 });
    await button('Next prompt').waitFor();
    await page.getByRole('row', { name: new RegExp(sentence) }).getByRole('cell', { name: '1', exact: true }).waitFor();
    await expectAccessible('corpus');
    await shot('09-corpus');

    await page.getByLabel('Include takes that are not scored').check();
    const [download] = await Promise.all([page.waitForEvent('download'), button('Export dataset').click()]);
    const file = path.join(workDir, 'manifest.jsonl');
    await download.saveAs(file);
    const entries = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(entries).toEqual([
      expect.objectContaining({ speaker: 'e2e-admin', promptText: sentence, actedEmotion: emotion, audioKey: expect.any(String) }),
    ]);
    await writeFile(path.join(ARTIFACTS, 'corpus-manifest.jsonl'), await readFile(file));
  });
});
