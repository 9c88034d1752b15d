import { expect, test } from './fixtures';
import { AppPage } from './pages/AppPage';

test('the printed address opens the app and leaves no key in the address bar; without it the page says what to open', async ({
  page,
  browser,
  host,
}) => {
  const app = new AppPage(page);
  await app.open(host.url);
  expect(page.url()).toBe(new URL('/', host.url).href);
  expect(page.url()).not.toContain('token');
  await app.createDatanet('Session check');
  await expect(page.getByRole('heading', { level: 1, name: 'Session check' })).toBeVisible();

  // Another browser profile that only knows the port gets a pointer, not the app.
  const stranger = await browser.newContext();
  try {
    const other = await stranger.newPage();
    const res = await other.goto(new URL('/', host.url).href);
    expect(res?.status()).toBe(401);
    await expect(other.getByText('Open the address printed by npm run web (it carries this session’s key).')).toBeVisible();
    await expect(other.getByText('Session check')).toHaveCount(0);
  } finally {
    await stranger.close();
  }

  // A new run of the host has a new key: the open tab says so instead of reconnecting silently.
  await host.restart();
  await expect(page.getByRole('alert').filter({ hasText: 'no key for the running Datanet Desk host' })).toBeVisible({ timeout: 40_000 });
  await expect(page.getByRole('alert')).toContainText('Open the address printed by npm run web (it carries this session’s key).');
  await app.open(host.url);
  await expect(page.getByRole('alert').filter({ hasText: 'no key' })).toHaveCount(0);
  await expect(app.datanetLink('Session check')).toBeVisible();
});
