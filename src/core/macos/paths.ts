// Where macOS and the 1E Client keep things, and the absolute paths of every program we run.

export const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';
export const CLIENT_PACKAGE_ID = 'com.1e.pkg.1E.Client';
export const CLIENT_LAUNCHD_LABEL = 'com.1e.pkg.1E.Client';
export const CLIENT_PLIST = '/Library/LaunchDaemons/com.1e.pkg.1E.Client.plist';
export const CLIENT_DIR = '/Library/Application Support/1E/Client';
export const CLIENT_BINARY = '/Library/Application Support/1E/Client/1E.Client';
/** Where current clients read their configuration; the seed also names the /etc path once. */
export const CONF_PATHS = [
  '/Library/Application Support/1E/Client/1E.Client.conf',
  '/etc/1E/Client/1E.Client.conf',
] as const;
export const DEFAULT_CONF_PATH = CONF_PATHS[0];
export const CLIENT_LOG = '/Library/Logs/1E.Client.log';
export const DAEMON_LOG = '/Library/Logs/1E.Client.Daemon.log';

/** Absolute program paths as they are on macOS; nothing is looked up through PATH. */
export const BIN = {
  swVers: '/usr/bin/sw_vers',
  uname: '/usr/bin/uname',
  sysctl: '/usr/sbin/sysctl',
  arch: '/usr/bin/arch',
  true: '/usr/bin/true',
  scutil: '/usr/sbin/scutil',
  hostname: '/bin/hostname',
  dsconfigad: '/usr/sbin/dsconfigad',
  id: '/usr/bin/id',
  pkgutil: '/usr/sbin/pkgutil',
  launchctl: '/bin/launchctl',
  security: '/usr/bin/security',
  hdiutil: '/usr/bin/hdiutil',
  ditto: '/usr/bin/ditto',
  installer: '/usr/sbin/installer',
  softwareupdate: '/usr/sbin/softwareupdate',
  install: '/usr/bin/install',
  cp: '/bin/cp',
  rm: '/bin/rm',
  mkdir: '/bin/mkdir',
  cmp: '/usr/bin/cmp',
  cat: '/bin/cat',
  tail: '/usr/bin/tail',
  test: '/bin/test',
  osascript: '/usr/bin/osascript',
  openssl: '/usr/bin/openssl',
  awk: '/usr/bin/awk',
  grep: '/usr/bin/grep',
  mktemp: '/usr/bin/mktemp',
  stty: '/bin/stty',
  sh: '/bin/sh',
  env: '/usr/bin/env',
  plutil: '/usr/bin/plutil',
} as const;
