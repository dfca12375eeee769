import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../scripts/lib/test-requirements';

/**
 * Debian's Chromium, headless. Without the background-networking flags it keeps trying to reach
 * Google's hosts, which this machine's closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function newConsolePage(browser: Browser, webUrl: string): Promise<Page> {
  return browser.newPage({ baseURL: webUrl, viewport: { width: 1360, height: 1000 } });
}

/** Signs in through the login form and waits to leave it (for `next` when given). */
export async function signIn(page: Page, user: { email: string; password: string }, next?: string): Promise<void> {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  const password = page.getByLabel('Password', { exact: true });
  await password.fill(user.password);
  await password.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Opens one tab of a deployment's page (Overview, Call it, Traffic, Scaling, Revisions, Events, Logs) and waits for its panel. */
export async function openDeploymentTab(page: Page, label: string): Promise<void> {
  const tab = page.getByRole('tablist', { name: 'Deployment sections' }).getByRole('tab', { name: label, exact: true });
  await tab.click();
  await page.getByRole('tabpanel', { name: label }).waitFor();
}
