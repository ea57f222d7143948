// The two IPC channel names, shared by main and preload.
export const INVOKE_CHANNEL = 'onboard:invoke';
export const EVENT_CHANNEL = 'onboard:event';
