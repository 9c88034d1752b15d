import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDispatcher } from '../../shared/api/dispatcher';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/wire';
import { createServices, type Services } from '../services/wiring';
import { CONTENT_SECURITY_POLICY } from '../host/security-headers';
import { createDesktopKeyVault } from './safe-storage-vault';
import { isTrustedSender, secureWebPreferences } from './window-options';

const here = fileURLToPath(new URL('.', import.meta.url));

// Every renderer runs sandboxed, including any created by a library.
app.enableSandbox();

const rendererUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).href;
let services: Services | undefined;

function logError(error: unknown): void {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Datanet Desk',
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl);
  return win;
}

function hardenSessions(): void {
  const ses = session.defaultSession;
  // No page may use the camera, microphone, location, notifications or anything else.
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The dev server's pages get the same CSP the built page carries in its meta tag.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

app.on('web-contents-created', (_event, contents) => {
  // The app is one page: navigation away from it and new windows are denied; http(s) links a
  // user clicks open in the system browser only after the URL is checked.
  contents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:') void shell.openExternal(parsed.href);
    } catch {
      // not a URL: nothing to open
    }
    return { action: 'deny' };
  });
});

async function start(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  hardenSessions();
  services = await createServices({
    dataDir: app.getPath('userData'),
    host: 'electron',
    version: app.getVersion(),
    embedWorkerPath: join(here, 'embed-worker.js'),
    // electron-builder copies resources/models to <resources>/models (extraResources).
    bundledModelsDir: app.isPackaged ? join(process.resourcesPath, 'models') : join(here, '../../resources/models'),
    embeddingModelDir: process.env.DATANET_DESK_MODEL_DIR || undefined,
    // The wallet key is kept by the OS keychain (safeStorage) where it really encrypts.
    submission: { keyVault: createDesktopKeyVault(join(app.getPath('userData'), 'wallet')) },
  });
  const dispatch = createDispatcher(services.handlers, (error, method) => {
    console.error(`internal error in ${method}:`);
    logError(error);
  });
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    const frame = event.senderFrame;
    if (!isTrustedSender(frame?.url, frame !== null && frame === event.sender.mainFrame, rendererUrl)) {
      return { ok: false, error: { code: 'invalid_input', message: 'Refused: the request did not come from the app window.' } };
    }
    return dispatch(method, input);
  });
  services.events.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload);
  });
  createWindow();
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let isQuitting = false;
app.on('will-quit', (event) => {
  if (isQuitting || !services) return;
  isQuitting = true;
  event.preventDefault();
  void services.close().finally(() => app.quit());
});

start().catch((error: unknown) => {
  logError(error);
  app.exit(1);
});
