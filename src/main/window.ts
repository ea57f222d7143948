// The one application window and every hardening rule applied to it.
import { BrowserWindow, session as electronSession, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Security settings of our only window; tested so that none is loosened by accident. */
export function secureWebPreferences(preloadPath: string): Electron.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  };
}

/** The renderer's index.html as a file URL; IPC is trusted only from this page. */
export function rendererUrl(distDir: string): string {
  return pathToFileURL(join(distDir, 'renderer', 'index.html')).toString();
}

/**
 * Locks a window's web contents: no navigation away from our page, no new windows
 * (https links open in the system browser), no permission ever granted, no webviews.
 */
export function hardenWebContents(contents: WebContents, pageUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== pageUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Only documentation links, and only in the real browser.
    if (/^https:\/\/[^\s]+$/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

/** Refuses every permission request (camera, notifications, geolocation...) from any page. */
export function denyAllPermissions(ses: Electron.Session = electronSession.defaultSession): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

export function createMainWindow(distDir: string): BrowserWindow {
  const pageUrl = rendererUrl(distDir);
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 900,
    minHeight: 640,
    title: 'Onboard',
    show: false,
    backgroundColor: '#1f2329',
    webPreferences: secureWebPreferences(join(distDir, 'src', 'main', 'preload.js')),
  });
  hardenWebContents(win.webContents, pageUrl);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(pageUrl);
  return win;
}
