// What the Mac is like right now: the facts (gather.ts) and the parsers of each command's output (system.ts, keychain.ts).
export * from './gather';
export * from './keychain';
export * from './system';
