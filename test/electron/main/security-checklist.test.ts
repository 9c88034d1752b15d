/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security, items
 * numbered as there), item by item: the pure pieces of electron/main are exercised directly, the
 * built main process (out/main, from `npm run build`) is checked statically for how it wires them,
 * and electronegativity scans the built app. Not asserted here: 11-12 (`<webview>` options: the
 * tag is disabled and attaching one is denied, item 13's test), 16 (a current Electron: cannot be
 * known offline; package.json pins 41.x), 18 (the built page is loaded from file:// inside the
 * asar; moving to a custom app:// protocol, and then turning the grantFileProtocolExtraPrivileges
 * fuse off, is left to do: it needs a real Electron to verify module scripts still load).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXTERNAL_LINK_ORIGINS,
  externalLinkFor,
  hardenSession,
  hardenWebContents,
  isAllowedNavigation,
  resolveRendererUrl,
  withContentSecurityPolicy,
  type HardenableContents,
  type HardenableSession,
} from '../../../electron/main/security-policy';
import { secureWebPreferences } from '../../../electron/main/window-options';
import { CONTENT_SECURITY_POLICY, securityHeaders } from '../../../electron/host/security-headers';
import { contentSecurityPolicyFor } from '../../../shared/content-security-policy';
import { broadSources, connectSrc, cspDirectives } from '../../helpers/csp';
import { readBuilderConfig } from '../../packaging/read-builder-config';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const OUT = join(root, 'out');
const PAGE = 'file:///opt/Datanet%20Desk/resources/app.asar/out/renderer/index.html';
let mainJs = '';

beforeAll(() => {
  if (!existsSync(join(OUT, 'main/index.js'))) throw new Error('out/main/index.js is missing: run `npm run build` first.');
  mainJs = readFileSync(join(OUT, 'main/index.js'), 'utf8');
});

/** A stand-in for WebContents that records the listeners hardenWebContents installs. */
function fakeWebContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url?: string) => void>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(event: string, listener: (event: { preventDefault(): void }, url?: string) => void) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      openHandler = handler;
    },
  };
  const fire = (event: string, url?: string): boolean => {
    let isPrevented = false;
    listeners.get(event)?.({ preventDefault: () => (isPrevented = true) }, url);
    return isPrevented;
  };
  return { contents: contents as unknown as HardenableContents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe('Electron security checklist', () => {
  it('2, 3, 4: isolation: contextIsolation, sandbox (also app-wide), no Node.js in any frame or worker', () => {
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
    // The one window is made with these preferences, and every renderer is sandboxed.
    expect(mainJs.match(/new BrowserWindow\(/g)).toHaveLength(1);
    expect(mainJs).toMatch(/webPreferences:\s*\{\s*\.\.\.secureWebPreferences\(/);
    expect(mainJs).toMatch(/app\.enableSandbox\(\)/);
    expect(mainJs).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false/);
  });

  it('6, 8, 9, 10: webSecurity on, no insecure content, no experimental features or Blink features enabled; middle-click off', () => {
    const prefs = secureWebPreferences('/p.cjs');
    expect(prefs).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(mainJs).not.toMatch(/webSecurity:\s*false|allowRunningInsecureContent:\s*true|enableBlinkFeatures/);
  });

  it('7: a CSP on every page: the built page’s meta tag, the Node host’s header, and a header on every Electron response', () => {
    const profile = { signalingUrls: ['wss://signal.example.org/rooms', 'ws://127.0.0.1:8547'] };
    const policy = contentSecurityPolicyFor(profile);
    // connect-src: the own origin and exactly the profile's signaling origins; no scheme-wide source.
    expect(connectSrc(policy)).toEqual(["'self'", 'wss://signal.example.org', 'ws://127.0.0.1:8547']);
    expect(broadSources(connectSrc(policy))).toEqual([]);
    expect(broadSources(connectSrc(CONTENT_SECURITY_POLICY))).toEqual([]);
    expect(policy).toMatch(/script-src 'self'(;|$)/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(securityHeaders(policy)['Content-Security-Policy']).toBe(policy);
    expect(securityHeaders()['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);

    // The meta tag is the same policy but for connect-src, which it can only bound (the header,
    // enforced as well, narrows it), and frame-ancestors, which a meta tag cannot carry.
    const html = readFileSync(join(OUT, 'renderer/index.html'), 'utf8');
    const meta = cspDirectives(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '');
    const header = cspDirectives(policy);
    expect(meta.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:']);
    header.delete('frame-ancestors');
    header.delete('connect-src');
    meta.delete('connect-src');
    expect(meta).toEqual(header);

    // Electron: our policy replaces a server's own.
    const headers = withContentSecurityPolicy({ responseHeaders: { 'content-security-policy': ['default-src *'], 'x-a': ['1'] } }, policy);
    expect(headers).toEqual({ 'x-a': ['1'], 'Content-Security-Policy': [policy] });
    expect(withContentSecurityPolicy({})).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('1: no remote content: only the built page, or the dev server on loopback in an unpackaged run', () => {
    const file = 'file:///app/out/renderer/index.html';
    expect(resolveRendererUrl(undefined, false, file)).toBe(file);
    expect(resolveRendererUrl('http://localhost:5173/', false, file)).toBe('http://localhost:5173/');
    expect(resolveRendererUrl('http://localhost:5173/', true, file)).toBe(file);
    expect(resolveRendererUrl('https://evil.example/', false, file)).toBe(file);
    expect(resolveRendererUrl('http://10.0.0.5:5173/', false, file)).toBe(file);
    expect(mainJs.match(/\.loadURL\(/g)).toHaveLength(1);
    expect(mainJs).toMatch(/\.loadURL\(rendererUrl\)/);
    // The built page loads scripts and styles from itself only.
    const html = readFileSync(join(OUT, 'renderer/index.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('13, 14: navigation and redirects away from the app page, webviews and new windows are denied', () => {
    const { contents, fire, open } = fakeWebContents();
    const opened: string[] = [];
    hardenWebContents(contents, PAGE, (url) => opened.push(url));
    expect(fire('will-navigate', PAGE)).toBe(false);
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire('will-attach-webview')).toBe(true);
    expect(isAllowedNavigation(`${PAGE}#x`, PAGE)).toBe(false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'smb://host/share', 'https://docs.openledger.xyz/x']) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(mainJs).toMatch(/app\.on\("web-contents-created"[^]*?hardenWebContents\(contents, rendererUrl/);
    expect(opened).toEqual(['https://docs.openledger.xyz/x']);
  });

  it('15: shell.openExternal only for allow-listed https pages, called in one place', () => {
    expect(externalLinkFor('https://docs.openledger.xyz/guide?a=1')).toBe('https://docs.openledger.xyz/guide?a=1');
    expect(externalLinkFor('https://github.com/x')).toBe('https://github.com/x');
    for (const url of [
      'http://docs.openledger.xyz/',
      'https://docs.openledger.xyz.evil.example/',
      'https://user@github.com/',
      'javascript:alert(1)',
      'file:///bin/sh',
      'not a url',
      'ms-msdt:/id',
    ]) {
      expect(externalLinkFor(url)).toBeNull();
    }
    expect(EXTERNAL_LINK_ORIGINS.every((o) => o.startsWith('https://'))).toBe(true);
    expect(mainJs.match(/shell\.openExternal\(/g)).toHaveLength(1);
    expect(mainJs).toMatch(/hardenWebContents\(contents, rendererUrl, \(url\) => void shell\.openExternal\(url\)\)/);
  });

  it('5: every permission request and check is denied; every response gets the CSP of the profile selected now', async () => {
    let requestHandler: ((wc: unknown, permission: string, callback: (isGranted: boolean) => void) => void) | undefined;
    let checkHandler: ((...args: unknown[]) => boolean) | undefined;
    let headersHandler:
      | ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders?: Record<string, string[]> }) => void) => void)
      | undefined;
    const ses = {
      setPermissionRequestHandler: (h: typeof requestHandler) => (requestHandler = h),
      setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
      webRequest: { onHeadersReceived: (h: typeof headersHandler) => (headersHandler = h) },
    } as unknown as HardenableSession;
    let profile: { signalingUrls: string[] } | null = null;
    let isBroken = false;
    hardenSession(ses, async () => {
      if (isBroken) throw new Error('database closed');
      return contentSecurityPolicyFor(profile);
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem', 'hid', 'serial']) {
      const answers: boolean[] = [];
      requestHandler?.({}, permission, (isGranted) => answers.push(isGranted));
      expect(answers).toEqual([false]);
      expect(checkHandler?.({}, permission, 'file://', {})).toBe(false);
    }
    const responseCsp = () =>
      new Promise<string[] | undefined>((resolve) =>
        headersHandler?.({ responseHeaders: {} }, (r) => resolve(r.responseHeaders?.['Content-Security-Policy'])),
      );
    expect(await responseCsp()).toEqual([CONTENT_SECURITY_POLICY]);
    profile = { signalingUrls: ['wss://a.example'] };
    const [withA] = (await responseCsp()) ?? [];
    expect(connectSrc(withA ?? '')).toEqual(["'self'", 'wss://a.example']);
    profile = { signalingUrls: ['wss://b.example:8443/x'] };
    const [withB] = (await responseCsp()) ?? [];
    expect(connectSrc(withB ?? '')).toEqual(["'self'", 'wss://b.example:8443']);
    // A profile that cannot be read: no signaling server, not an open policy.
    isBroken = true;
    expect(await responseCsp()).toEqual([CONTENT_SECURITY_POLICY]);
    expect(mainJs).toMatch(
      /hardenSession\(session\.defaultSession, async \(\) => contentSecurityPolicyFor\(\(?await services\?\.network\.get\(\)\)? \?\? null\)\)/,
    );
  });

  it('17, 20: both IPC handlers check the sender frame before acting', () => {
    // The contract's invoke channel and the drop channel (paths Electron resolved for dropped files).
    expect(mainJs.match(/ipcMain\.(handle|on)\(/g)).toHaveLength(2);
    const handlers = mainJs.match(/ipcMain\.handle\([^]*?\n\t\}\);/g) ?? [];
    const invoke = handlers.find((h) => h.includes('IPC_INVOKE_CHANNEL')) ?? '';
    expect(invoke.indexOf('isTrustedSender(')).toBeGreaterThan(0);
    expect(invoke.indexOf('isTrustedSender(')).toBeLessThan(invoke.indexOf('dispatch('));
    // importDroppedPaths checks the sender itself (test/electron/main/file-access.test.ts) and is
    // the drop handler's only way to the privileged dispatcher.
    const drop = handlers.find((h) => h.includes('IPC_DROP_CHANNEL')) ?? '';
    expect(drop).toMatch(
      /return importDroppedPaths\(\s*\{\s*frameUrl: frame\?\.url,\s*isMainFrame: frame !== null && frame === event\.sender\.mainFrame\s*\},\s*rendererUrl,/,
    );
    expect(mainJs.match(/trustedDispatch\(/g)).toHaveLength(1);
    // The preload exposes a typed bridge, never ipcRenderer itself.
    const preload = readFileSync(join(OUT, 'preload/index.cjs'), 'utf8');
    expect(preload).toMatch(/exposeInMainWorld\("datanetDesk"/);
    expect(preload).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\b\s*\)/);
    // Dropped paths come from Electron (webUtils), never from the page.
    expect(preload).toMatch(/webUtils\.getPathForFile\(/);
  });

  it('19: fuses are set at packaging: no run-as-node, no NODE_OPTIONS or inspector, asar only and integrity-checked', () => {
    const config = readBuilderConfig<{ electronFuses: Record<string, boolean> }>(root);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});

/**
 * Findings electronegativity reports on the built app that are not weaknesses, each with why.
 * Any other finding fails the test: fix it, or add it here with its reason.
 */
const JUSTIFIED: { id: string; file: string; why: string }[] = [
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'renderer/index.html',
    why: "csp-evaluator flags script-src 'self' as a maybe (JSONP, Angular, user uploads on the same origin): the app's origin serves only its own built bundle (file:// in Electron; the Node host serves out/renderer and nothing users upload).",
  },
  {
    id: 'CSP_GLOBAL_CHECK',
    file: 'main/index.js',
    why: "The scanner cannot parse a CSP that is built by joining an array (the response header); it is shared/content-security-policy.ts's policy, which the test above compares with the page's meta tag.",
  },
  {
    id: 'OPEN_EXTERNAL_JS_CHECK',
    file: 'main/index.js',
    why: 'Its only call receives URLs that passed externalLinkFor (https, allow-listed origins, no user info), tested above.',
  },
];

describe('electronegativity over the built app', () => {
  it('reports nothing beyond the justified findings', () => {
    // A fresh folder: the scanner writes its report into an existing folder only (node_modules/.cache is absent on a fresh clone).
    const csv = join(mkdtempSync(join(tmpdir(), 'electronegativity-')), 'findings.csv');
    execFileSync(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(root, 'test/electron/main/offline-guard.mjs')).href,
        join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'),
        ...['-i', OUT, '-r', '-v', 'false', '-e', '41.7.1', '-o', csv],
      ],
      { stdio: 'pipe', timeout: 90_000 },
    );
    const findings = readFileSync(csv, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => /^(\w+),"(\w+)","(\w+)","([^"]+)","([^"]+)"/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, id, severity, confidence, file, location]) => ({ id, severity, confidence, file, location }));
    const unexplained = findings.filter((f) => !JUSTIFIED.some((j) => j.id === f.id && j.file === f.file));
    expect(unexplained).toEqual([]);
    expect(findings.length).toBeLessThanOrEqual(JUSTIFIED.length);
    // The scan saw the app: the main process and the page.
    expect(readdirSync(join(OUT, 'main'))).toContain('index.js');
  }, 120_000);
});
