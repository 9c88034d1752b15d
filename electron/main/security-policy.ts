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

/** Response headers with the app's CSP added (the dev server's pages; the built page has it in a meta tag). */
export function withContentSecurityPolicy(details: Pick<OnHeadersReceivedListenerDetails, 'responseHeaders'>): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(details.responseHeaders ?? {})) {
    // A server's own CSP header must not survive next to ours (the browser would apply both).
    if (key.toLowerCase() !== 'content-security-policy') headers[key] = value;
  }
  headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return headers;
}

export type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/** Denies every permission (camera, microphone, location, notifications, …) and adds the CSP to every response. */
export function hardenSession(ses: HardenableSession): void {
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => callback({ responseHeaders: withContentSecurityPolicy(details) }));
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
