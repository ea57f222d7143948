// Exposes window.onboard: one function per contract method, each on the one fixed channel.
// Nothing else of Electron or Node reaches the page.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { OnboardApi, OnboardEvent } from '../shared/contract';
import { METHOD_NAMES } from '../shared/methods';
import { INVOKE_CHANNEL, EVENT_CHANNEL } from '../shared/channels';

const api: Record<string, unknown> = {};
for (const name of METHOD_NAMES) {
  api[name] = (request: unknown, requestId?: string) => ipcRenderer.invoke(INVOKE_CHANNEL, name, request, requestId);
}
api.onEvent = (listener: (e: OnboardEvent) => void) => {
  const wrapped = (_e: IpcRendererEvent, payload: OnboardEvent) => listener(payload);
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  };
};

// Installers are read by path in main (they can be gigabytes); only a picked File yields one.
api.pathForFile = (file: File) => webUtils.getPathForFile(file);

contextBridge.exposeInMainWorld('onboard', api as OnboardApi);
