// Exposes window.onboard: one function per contract method, each on the one fixed channel.
// Nothing else of Electron or Node reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { methodNames, type OnboardApi, type OnboardEvent } from './ipc/contract';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from './ipc/channels';

const api: Record<string, unknown> = {};
for (const name of methodNames) {
  api[name] = (request: unknown, requestId?: string) => ipcRenderer.invoke(INVOKE_CHANNEL, name, request, requestId);
}
api.onEvent = (listener: (e: OnboardEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: OnboardEvent) => listener(payload);
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => { ipcRenderer.removeListener(EVENT_CHANNEL, wrapped); };
};

contextBridge.exposeInMainWorld('onboard', api as OnboardApi);
