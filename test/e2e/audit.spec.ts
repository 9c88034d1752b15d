import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';
import { AuditPage } from './pages/AuditPage';

test('the audit log shows what left the machine, filters it and exports it', async ({ page, host }) => {
  await page.goto(host.url);
  const audit = new AuditPage(page);
  await audit.open();
  await expect(audit.section().getByText('Nothing has left this machine')).toBeVisible();

  // Two transfers the window reports itself (review rooms), through the contract as the renderer does.
  await page.evaluate(async () => {
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api`);
    await new Promise((r) => (ws.onopen = r));
    const reply = new Promise((r) => (ws.onmessage = r));
    ws.send(
      JSON.stringify({
        type: 'request',
        id: 1,
        method: 'audit.record',
        input: {
          transfers: [
            { channel: 'review-signaling', endpoint: 'ws://127.0.0.1:4444/', what: 'publish', bytes: 120, contentSha256: 'a'.repeat(64) },
            { channel: 'review-peer', endpoint: 'webrtc://peer-1', what: 'sync-update', bytes: 2048, contentSha256: 'b'.repeat(64) },
          ],
        },
      }),
    );
    await reply;
    ws.close();
  });
  await audit.section().getByRole('button', { name: 'Refresh' }).click();
  await expect(audit.rows()).toHaveCount(2);
  await expect(audit.rows().first()).toContainText('Review peer (window)');
  await expect(audit.rows().first()).toContainText('2.0 KB');

  await audit.filterByChannel('Review signaling');
  await expect(audit.rows()).toHaveCount(1);
  await expect(audit.rows().first()).toContainText('ws://127.0.0.1:4444/');

  const csv = await audit.export('CSV');
  expect(csv.suggestedFilename()).toMatch(/^datanet-desk-audit-.*\.csv$/);
  const text = readFileSync((await csv.path()) as string, 'utf8');
  expect(text.split('\r\n')[0]).toBe('id,at,source,channel,endpoint,what,bytes,contentSha256');
  expect(text).toContain(',renderer,review-signaling,ws://127.0.0.1:4444/,publish,120,');
  expect(text).not.toContain('review-peer');
  const json = JSON.parse(readFileSync((await (await audit.export('JSON')).path()) as string, 'utf8')) as { entries: unknown[] };
  expect(json.entries).toHaveLength(1);
});
