// The names of every method the renderer may call, as a plain list: the sandboxed preload is bundled from this
// file alone, without zod or the schemas. contract/index.ts checks at compile time that the list and the contract agree.
export const METHOD_NAMES = [
  // The frame
  'getAppInfo',
  'cancelRequest',
  'startOver',
  // Welcome
  'getMacFacts',
  'setMode',
  'setPlatform',
  'setEndpoints',
  // CA certificates
  'addCaFiles',
  'removeCaCertificate',
  'getCaCertificates',
  'removeCaCrl',
  'exportForMdm',
  // Client certificate
  'openPfx',
  'rewrapPfx',
  'exportPfx',
  'createCsr',
  'getCsr',
  'loadIssuedCertificate',
  'createLabCa',
  'openLabCa',
  'issueLabCertificate',
  'getIdentity',
  'clearIdentity',
  // Install (and uninstall)
  'findInstallers',
  'planInstall',
  'planUninstall',
  // Trust & identity
  'planTrustIdentity',
  // Verify
  'runVerification',
  'planDebugLogging',
  'exportReport',
  // Summary
  'getChangeSummary',
  'planUndo',
  // Every step that changes the Mac
  'applyChanges',
] as const;

export type MethodNameInList = (typeof METHOD_NAMES)[number];
