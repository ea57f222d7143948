// Every plan builder, in the order onboarding runs them.
export { importCaCertificates, type CaPlanInput } from './ca';
export {
  importClientIdentity,
  previousIdentities,
  type IdentityPlanInput,
  type PreviousIdentity,
  SCRIPT_IMPORT_PASSWORD_VAR,
} from './identity';
export { installRosetta } from './rosetta';
export {
  installClient,
  installsPackage,
  detectInstallerKind,
  versionFromFileName,
  PACKAGE_INSTALL_ACTION,
  type InstallPlanInput,
  type InstallerKind,
} from './install';
export { configureClient, type ConfigurePlanInput, BACKUP_SUFFIX } from './configure';
export { startClient, restartClient, stopClient } from './service';
export { uninstallClient, resolvePackageFiles, type UninstallPlanInput } from './uninstall';
