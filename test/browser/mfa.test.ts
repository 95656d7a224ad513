// The second factor on `npm start` with CONSOLE_MFA=required, on its own stack: the owner's first
// sign-in in the page asks for the authenticator setup (the secret shown as text), the first code
// (computed here with the project's RFC 6238 code, shared/platform/totp.ts) signs in; the next
// sign-in, in a new browser context, asks for a code after the password, and a wrong code is refused.
import { base32Decode, totpCode, TOTP_STEP_SECONDS } from '../../shared/platform/totp';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, buildConsole, launchBrowser, runCli, startStack, type RunningStack } from './harness';

// a stack start, a build and two sign-ins on a loaded 2-core machine
jest.setTimeout(300_000);

const OWNER = { email: 'mfa-owner@example.com', password: 'Mfa-owner-pass-1!' };
const SEEN = { timeout: 90_000 };

async function password(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.locator('input[name=email]').fill(OWNER.email);
  await page.locator('input[name=password]').fill(OWNER.password);
  await page.locator('input[name=password]').press('Enter');
  await page.locator('input[name=code]').waitFor(SEEN);
}

/** a code of a 30 s step no earlier code used (the stand-in, as Cognito, refuses a code twice) */
function freshCode(secret: Buffer, usedAtMs?: number): string {
  const now = Date.now();
  const step = TOTP_STEP_SECONDS * 1000;
  // the stand-in accepts the neighbouring steps: the next step's code is fresh and still valid
  const at = usedAtMs !== undefined && Math.floor(usedAtMs / step) >= Math.floor(now / step) ? now + step : now;
  return totpCode(secret, at);
}

const unavailable = browserUnavailable();
if (unavailable) {
  console.warn(`BROWSER TESTS SKIPPED: ${unavailable}`);
  it.skip(`browser MFA: ${unavailable}`, () => undefined);
} else {
  describe('CONSOLE_MFA=required on the local stack', () => {
    let stack: RunningStack;
    let browser: Browser;
    let closeBrowser: () => Promise<void>;

    beforeAll(async () => {
      await buildConsole();
      stack = await startStack({ CONSOLE_MFA: 'required' });
      await runCli(stack, ['user', 'add', '--email', OWNER.email, '--role', 'owner'], {
        CONSOLE_PASSWORD: OWNER.password,
      });
      ({ browser, close: closeBrowser } = await launchBrowser());
    });

    afterAll(async () => {
      await closeBrowser?.();
      await stack?.stop();
    });

    it('the first sign-in sets up TOTP, the next asks for a code; a wrong code is refused', async () => {
      const config = (await (await fetch(`${stack.base}/console-config.json`)).json()) as { mfa: string };
      expect(config.mfa).toBe('required');

      const first = await (await browser.newContext()).newPage();
      await password(first, stack.base);
      const shown = (await first.getByTestId('totp-secret').textContent()) ?? '';
      const secret = base32Decode(shown.trim());
      expect(secret?.length).toBeGreaterThanOrEqual(16);
      if (!secret) return;
      const setupAt = Date.now();
      await first.locator('input[name=code]').fill(freshCode(secret));
      await first.locator('input[name=code]').press('Enter');
      await first.getByRole('heading', { name: 'Overview' }).waitFor(SEEN);

      const second = await (await browser.newContext()).newPage();
      await password(second, stack.base);
      // no setup the second time: only the code
      await expect(second.getByTestId('totp-secret').count()).resolves.toBe(0);
      const right = freshCode(secret, setupAt);
      const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
      await second.locator('input[name=code]').fill(wrong);
      await second.locator('input[name=code]').press('Enter');
      await second.getByRole('alert').waitFor(SEEN);
      await expect(second.getByRole('heading', { name: 'Overview' }).count()).resolves.toBe(0);
      // a refused code ends Cognito's session: the password again, then the right code
      if (!(await second.locator('input[name=code]').isVisible())) await password(second, stack.base);
      await second.locator('input[name=code]').fill(right);
      await second.locator('input[name=code]').press('Enter');
      await second.getByRole('heading', { name: 'Overview' }).waitFor(SEEN);
    });
  });
}
