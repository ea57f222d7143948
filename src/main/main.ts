// The Electron main process: app lifecycle, the one window, hardening, and the IPC router.
import { app, BrowserWindow, Menu, type MenuItemConstructorOptions, type WebContents } from 'electron';
import { join } from 'node:path';
import { createMainWindow, denyAllPermissions, hardenWebContents, rendererUrl } from './window';
import { registerElectronTransport } from './electron-transport';
import { createRouter } from './ipc/router';
import { createHandlers } from './ipc/handlers';
import { createSession, closeSession, type Session } from './ipc/session';

// dist/src/main/main.js: dist/ is two folders up.
const distDir = join(__dirname, '..', '..');

export function applicationMenu(isMac = process.platform === 'darwin'): MenuItemConstructorOptions[] {
  const menu: MenuItemConstructorOptions[] = [];
  if (isMac) menu.push({ role: 'appMenu' });
  menu.push(
    { role: 'fileMenu' },
    // Edit roles make copy, paste and undo work in the wizard's text fields.
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  );
  return menu;
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let win: BrowserWindow | null = null;
  const sessions = new Map<WebContents, Session>();
  const router = createRouter(createHandlers(), { logInternal: (m, e) => console.error(`onboard: ${m} failed:`, e) });
  const pageUrl = rendererUrl(distDir);

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents, pageUrl));
  app.on('window-all-closed', () => app.quit());

  void app.whenReady().then(() => {
    denyAllPermissions();
    Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenu()));
    registerElectronTransport(router, {
      trustedUrlPrefix: pageUrl,
      sessionFor(sender) {
        let s = sessions.get(sender);
        if (!s) {
          s = createSession({ shell: 'electron' });
          sessions.set(sender, s);
          sender.once('destroyed', () => {
            router.abortAll(s!);
            sessions.delete(sender);
            void closeSession(s!);
          });
        }
        return s;
      },
      log: (m) => console.warn(`onboard: ${m}`),
    });
    win = createMainWindow(distDir);
    win.on('closed', () => {
      win = null;
    });
  });
}

start();
