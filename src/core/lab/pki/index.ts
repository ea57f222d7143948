// The lab PKI, all offline: the lab folder (folder.ts), creating it (create.ts), issuing (issue.ts), revocation and CRLs (revocation.ts), a new intermediate (intermediate.ts).
export {
  caCertificate,
  crlUrlFor,
  issuerChain,
  labPaths,
  ocspUrlsFor,
  openLab,
  serialOf,
  subjectLine,
  unlockCa,
  type CaName,
  type IssuedRecord,
  type Lab,
  type LabConfig,
  type LabIndex,
  type LabKeyType,
} from './folder';
export { initLab, type InitOptions } from './create';
export {
  buildServerCertificate,
  issueDevices,
  issueServerCert,
  parseHostsCsv,
  type HostsCsvResult,
  type IssueDevicesOptions,
  type IssuedDevice,
  type ServerCertOptions,
} from './issue';
export { assertIssuerNotRevoked, revoke, writeCrls } from './revocation';
export { renewIntermediate, type NewIntermediateResult } from './intermediate';
