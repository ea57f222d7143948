// PKCS#12 (.pfx/.p12) files: sniff, read (RSA and EC, every common encryption), analyse for macOS, write in two profiles, re-wrap.
export type { PfxProfile } from './cipher';
export { analysePfx, readAndAnalysePfx, type PfxAnalysis } from './analyse';
export { isPkcs12, keyMatches, orderLeafFirst, readPfx, type PfxContents } from './read';
export { noIdentity, rewrapPfx, writePfx } from './write';
