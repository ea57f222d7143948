// Short import path for the real Mac's administrator runner (the IPC layer loads it by this name).
export { PrivilegedBatch, osascriptLauncher, buildBatchScript, type PrivilegedBatchOptions } from './privileged-batch';
