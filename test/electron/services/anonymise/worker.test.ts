import { describe, expect, it } from 'vitest';
import { runInWorker } from '../../../../electron/services/anonymise/worker-client';
import { requireAnonymiseWorker } from '../../../helpers/anonymise-worker';

describe('the anonymisation worker', () => {
  it('detects in a single 50 MB line without crashing or hanging, with progress per segment', { timeout: 300_000 }, async () => {
    // Generated here, not committed: 50 MB of one line with an identifier every ~64 KB.
    const unit = `${'lorem ipsum dolor sit amet consectetur '.repeat(1640)}reach mary.jones@example.com today `;
    const line = unit.repeat(Math.ceil(50_000_000 / unit.length));
    expect(line.includes('\n')).toBe(false);
    const progress: number[] = [];
    const reply = await runInWorker(
      requireAnonymiseWorker(),
      { type: 'detectText', text: line, minConfidence: 0.3 },
      { onProgress: (done) => progress.push(done) },
    );
    expect(reply.type).toBe('detected');
    if (reply.type !== 'detected') return;
    const emails = reply.detections.filter((d) => d.type === 'EMAIL');
    expect(emails.length).toBe(Math.ceil(50_000_000 / unit.length));
    for (const d of emails.slice(0, 50)) expect(line.slice(d.start, d.end)).toBe('mary.jones@example.com');
    expect(progress.length).toBeGreaterThanOrEqual(40);
    expect(progress[progress.length - 1]).toBe(line.length);
  });

  it('stops at once when cancelled, and reports a missing worker build clearly', async () => {
    const controller = new AbortController();
    const pending = runInWorker(
      requireAnonymiseWorker(),
      { type: 'detectText', text: 'Dr. Ann Lee '.repeat(2_000_000), minConfidence: 0.3 },
      {
        signal: controller.signal,
      },
    );
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    await expect(
      runInWorker('/nonexistent/anonymise-worker.js', { type: 'detectText', text: 'x', minConfidence: 0.3 }),
    ).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});
