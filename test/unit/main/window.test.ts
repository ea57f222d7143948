import { describe, it, expect, vi, beforeEach } from 'vitest';
import { EventEmitter } from 'node:events';

// Electron's binary is not available here: the few files that import 'electron' are
// tested with a stand-in module that records how they use it.
const openExternal = vi.fn(async () => undefined);
const permissionHandlers: {
  request?: (c: unknown, p: string, cb: (ok: boolean) => void) => void;
  check?: () => boolean;
} = {};
vi.mock('electron', () => ({
  BrowserWindow: class {},
  shell: { openExternal },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof permissionHandlers.request) => {
        permissionHandlers.request = h;
      },
      setPermissionCheckHandler: (h: typeof permissionHandlers.check) => {
        permissionHandlers.check = h;
      },
    },
  },
  ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
}));

const { secureWebPreferences, hardenWebContents, denyAllPermissions, rendererUrl } =
  await import('../../../src/main/window');
const { isTrustedSender } = await import('../../../src/main/electron-transport');

class FakeContents extends EventEmitter {
  openHandler?: (d: { url: string }) => { action: string };
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.openHandler = h;
  }
}

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.emit(
    event,
    {
      preventDefault: () => {
        prevented = true;
      },
    },
    url,
  );
  return prevented;
}

describe('the main window', () => {
  beforeEach(() => openExternal.mockClear());

  it('isolates the page: context isolation, sandbox, no Node, web security on', () => {
    const prefs = secureWebPreferences('/app/dist/src/main/preload.js');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/dist/src/main/preload.js',
    });
  });

  it('refuses to navigate anywhere but its own page', () => {
    const contents = new FakeContents();
    const page = rendererUrl('/app/dist');
    hardenWebContents(contents as never, page);
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', page)).toBe(false);
    expect(navigate(contents, 'will-attach-webview', 'about:blank')).toBe(true);
  });

  it('never opens a new window; https links go to the system browser, other schemes nowhere', () => {
    const contents = new FakeContents();
    hardenWebContents(contents as never, rendererUrl('/app/dist'));
    expect(contents.openHandler!({ url: 'https://docs.1e.com/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://docs.1e.com/');
    openExternal.mockClear();
    for (const url of [
      'file:///Applications/Calculator.app',
      'smb://server/share',
      'javascript:alert(1)',
      'http://plain.example/',
    ]) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    denyAllPermissions();
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read'])
      permissionHandlers.request!({}, p, (ok) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false]);
    expect(permissionHandlers.check!()).toBe(false);
  });
});

describe('which IPC senders are trusted', () => {
  const page = 'file:///app/dist/renderer/index.html';
  const mainFrame = { parent: null, url: page };

  it('trusts the main frame of our window showing our page', () => {
    expect(isTrustedSender({ senderFrame: mainFrame, sender: { mainFrame } } as never, page)).toBe(true);
  });

  it('refuses a subframe, another page, or a missing frame', () => {
    const sub = { parent: mainFrame, url: page };
    expect(isTrustedSender({ senderFrame: sub, sender: { mainFrame } } as never, page)).toBe(false);
    const other = { parent: null, url: 'https://evil.example/' };
    expect(isTrustedSender({ senderFrame: other, sender: { mainFrame: other } } as never, page)).toBe(false);
    expect(isTrustedSender({ senderFrame: null, sender: { mainFrame } } as never, page)).toBe(false);
    const detached = { parent: null, url: page };
    expect(isTrustedSender({ senderFrame: detached, sender: { mainFrame } } as never, page)).toBe(false);
  });
});
