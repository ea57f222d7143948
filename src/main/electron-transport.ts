// Carries the router over Electron IPC, answering only our own window's main frame.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Router } from './ipc/router';
import type { OnboardEvent } from '../shared/contract';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from '../shared/channels';

/**
 * A sender is trusted only when it is the main frame of one of our windows and shows our
 * own page (file URL of the packaged renderer). Anything else (a subframe, a navigated
 * page, a devtools extension) gets a refusal, never the router.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>,
  trustedUrlPrefix: string,
): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (frame.parent !== null) return false;
  if (frame !== event.sender.mainFrame) return false;
  return frame.url.startsWith(trustedUrlPrefix);
}

export function registerElectronTransport<S extends object>(
  router: Router<S>,
  opts: {
    trustedUrlPrefix: string;
    sessionFor(sender: WebContents): S;
    log?(message: string): void;
  },
): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, payload: unknown, requestId: unknown) => {
    if (!isTrustedSender(event, opts.trustedUrlPrefix)) {
      opts.log?.(`refused IPC from untrusted sender ${event.senderFrame?.url ?? '(no frame)'}`);
      return {
        ok: false,
        error: { code: 'untrusted-sender', message: 'This window may not talk to Onboard.', hint: '' },
      };
    }
    const sender = event.sender;
    return router.dispatch(method, payload, {
      session: opts.sessionFor(sender),
      requestId: typeof requestId === 'string' ? requestId : undefined,
      emit: (e: OnboardEvent) => {
        if (!sender.isDestroyed()) sender.send(EVENT_CHANNEL, e);
      },
    });
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}
