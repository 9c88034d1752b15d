import type { HandlerDetails, OnHeadersReceivedListenerDetails, Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../host/security-headers';

/**
 * Pages whose links may open in the system browser. Anything else a page tries to open is simply
 * denied: `shell.openExternal` of an attacker's URL can start any registered protocol handler.
 */
export const EXTERNAL_LINK_ORIGINS: readonly string[] = ['https://docs.openledger.xyz', 'https://openledger.xyz', 'https://github.com'];

/** The URL to hand to the system browser for a window-open request, or null to open nothing. */
export function externalLinkFor(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return null;
    return EXTERNAL_LINK_ORIGINS.includes(parsed.origin) ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Whether the app window may navigate to `url`: only to its own page (no remote content, ever). */
export function isAllowedNavigation(url: string, rendererUrl: string): boolean {
  return url === rendererUrl;
}

/**
 * The page to load. A packaged app loads only its own file; a development run may use the
 * electron-vite dev server, and only on loopback, so an environment variable cannot point the
 * window at remote content.
 */
export function resolveRendererUrl(envUrl: string | undefined, isPackaged: boolean, fileUrl: string): string {
  if (!envUrl || isPackaged) return fileUrl;
  try {
    const parsed = new URL(envUrl);
    if (parsed.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname)) return parsed.href;
  } catch {
    // not a URL: the built page
  }
  return fileUrl;
}

/**
 * Response headers with the app's CSP set: the built page (file://, which Electron's webRequest
 * reaches since 9.x) and the dev server's pages. The page's meta tag cannot name the selected
 * network's signaling servers, so it only bounds connect-src (`'self' ws: wss:`); this header
 * narrows it to exactly those servers (a browser enforces both policies).
 */
export function withContentSecurityPolicy(
  details: Pick<OnHeadersReceivedListenerDetails, 'responseHeaders'>,
  csp: string = CONTENT_SECURITY_POLICY,
): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(details.responseHeaders ?? {})) {
    // A server's own CSP header must not survive next to ours (the browser would apply both).
    if (key.toLowerCase() !== 'content-security-policy') headers[key] = value;
  }
  headers['Content-Security-Policy'] = [csp];
  return headers;
}

export type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * Denies every permission (camera, microphone, location, notifications, …) and sets the CSP on
 * every response, computed by `currentPolicy` when the response arrives (a changed network
 * profile applies at the page's next load); if it fails, the own-origin-only policy.
 */
export function hardenSession(ses: HardenableSession, currentPolicy: () => Promise<string> = async () => CONTENT_SECURITY_POLICY): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    void currentPolicy()
      .catch(() => CONTENT_SECURITY_POLICY)
      .then((csp) => callback({ responseHeaders: withContentSecurityPolicy(details, csp) }));
  });
}

export type HardenableContents = Pick<WebContents, 'setWindowOpenHandler'> & {
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-attach-webview',
    listener: (event: { preventDefault(): void }, url?: string) => void,
  ): unknown;
};

/**
 * Navigation away from the app page, redirects, `<webview>` and new windows are denied for
 * every web contents; a window-open of an allow-listed https page goes to the system browser.
 */
export function hardenWebContents(contents: HardenableContents, rendererUrl: string, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event, url) => {
    if (!url || !isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url || !isAllowedNavigation(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }: HandlerDetails) => {
    const external = externalLinkFor(url);
    if (external) openExternal(external);
    return { action: 'deny' };
  });
}
