import { describe, expect, it } from 'vitest';
import { isTrustedSender, secureWebPreferences } from '../../../electron/main/window-options';

describe('Electron window security baseline', () => {
  it('isolates the page: context isolation, sandbox, no Node.js, no webview', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('accepts IPC only from the top frame of the app page', () => {
    const page = 'file:///opt/Datanet%20Desk/resources/app/out/renderer/index.html';
    expect(isTrustedSender(page, true, page)).toBe(true);
    expect(isTrustedSender(page, false, page)).toBe(false);
    expect(isTrustedSender('file:///tmp/evil.html', true, page)).toBe(false);
    expect(isTrustedSender('https://example.com/', true, page)).toBe(false);
    expect(isTrustedSender(undefined, true, page)).toBe(false);
    expect(isTrustedSender('http://localhost:5173/#/x', true, 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', true, 'http://localhost:5173/')).toBe(false);
  });
});
