import type { WebPreferences } from 'electron';

/**
 * The renderer's web preferences. Each line closes a path from page content to the machine:
 * the page shares no JavaScript world with the preload (contextIsolation), runs in the OS
 * sandbox, and gets neither Node.js nor `<webview>`.
 */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // A middle click would open a link in a new window past the click handlers (Electron security checklist).
    disableBlinkFeatures: 'Auxclick',
  };
}

/**
 * Whether an IPC message comes from the app's own page: the top frame at the renderer's URL.
 * A frame navigated elsewhere, or an iframe, must not reach the services.
 */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, rendererUrl: string): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    const frame = new URL(frameUrl);
    const own = new URL(rendererUrl);
    if (frame.protocol !== own.protocol) return false;
    if (own.protocol === 'file:') return frame.pathname === own.pathname;
    return frame.origin === own.origin;
  } catch {
    return false;
  }
}
