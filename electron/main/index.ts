import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createDispatcher } from '../../shared/api/dispatcher';
import { contentSecurityPolicyFor } from '../../shared/content-security-policy';
import { errorLogText } from '../../shared/errors';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/api/wire';
import { IPC_DROP_CHANNEL } from '../../shared/api/bridge';
import { useOwnerOnlyUmask } from '../services/paths';
import { createServices, type Services } from '../services/wiring';
import { dialogPathPicker, importDroppedPaths } from './file-access';
import { createConsentDialog } from './consent-dialog';
import { createDesktopKeyVault } from './safe-storage-vault';
import { createDesktopSecretStore } from './safe-storage-secret-store';
import { hardenSession, hardenWebContents, resolveRendererUrl } from './security-policy';
import { isTrustedSender, secureWebPreferences } from './window-options';

const here = fileURLToPath(new URL('.', import.meta.url));

// The data folder (originals, keys, PGlite) is owner-only: see storage/permissions.ts.
useOwnerOnlyUmask();
// Every renderer runs sandboxed, including any created by a library.
app.enableSandbox();

// Only the app's own page, or the dev server on loopback in a development run: never remote content.
const rendererUrl = resolveRendererUrl(
  process.env.ELECTRON_RENDERER_URL,
  app.isPackaged,
  pathToFileURL(join(here, '../renderer/index.html')).href,
);
let services: Services | undefined;

function logError(error: unknown): void {
  console.error(errorLogText(error));
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Datanet Desk',
    // The isolation settings are repeated here, literally, so that a static scanner
    // (electronegativity) and a reviewer see them where the window is made; the checklist test
    // asserts both agree.
    webPreferences: {
      ...secureWebPreferences(join(here, '../preload/index.cjs')),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl);
  return win;
}

function hardenSessions(): void {
  // No page may use the camera, microphone, location, notifications or anything else; every
  // response (the built page's and the dev server's) carries the CSP, whose connect-src lists the
  // selected network's signaling servers and nothing else (before services exist: none).
  hardenSession(session.defaultSession, async () => contentSecurityPolicyFor((await services?.network.get()) ?? null));
}

app.on('web-contents-created', (_event, contents) => {
  // The app is one page: navigation away from it, webviews and new windows are denied; only
  // allow-listed https links open, in the system browser.
  hardenWebContents(contents, rendererUrl, (url) => void shell.openExternal(url));
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
    // Every signature (and replacing a keychain wallet) is confirmed in a native dialog as well.
    submission: { keyVault: createDesktopKeyVault(join(app.getPath('userData'), 'wallet')), consentPrompt: createConsentDialog() },
    // Pseudonym keys, likewise encrypted by the OS keychain where it really encrypts.
    secretStore: createDesktopSecretStore(join(app.getPath('userData'), 'secrets')),
    // The page never names a path: it asks for this dialog (library.pickAndImport) and gets what the user chose.
    pickPaths: dialogPathPicker((options) => {
      const win = BrowserWindow.getFocusedWindow();
      return win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);
    }),
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
  // The CLI surface, reached only by the drop channel below with paths Electron resolved itself.
  const trustedDispatch = createDispatcher(
    services.handlers,
    (error, method) => {
      console.error(`internal error in ${method}:`);
      logError(error);
    },
    { surface: 'cli' },
  );
  ipcMain.handle(IPC_DROP_CHANNEL, async (event, payload: unknown) => {
    const frame = event.senderFrame;
    return importDroppedPaths(
      { frameUrl: frame?.url, isMainFrame: frame !== null && frame === event.sender.mainFrame },
      rendererUrl,
      payload,
      (input) => trustedDispatch('library.importPaths', input),
    );
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
