// The simulated Mac's software: the 1E Client package and its receipt (installer, pkgutil), its media (hdiutil, ditto) and Rosetta (softwareupdate).
import { basename, posix } from 'node:path';
import {
  BIN,
  CLIENT_BINARY,
  CLIENT_LAUNCHD_LABEL,
  CLIENT_PACKAGE_ID,
  CLIENT_PLIST,
  DEFAULT_CONF_PATH,
} from '../../paths';
import type { CommandResult } from '../../types';
import { listZipEntries } from '../../zip';
import { err, ok, type ProgramTable } from './command';
import { readAny, writeFile } from './files';
import type { MacState } from './state';

/** What the package writes as 1E.Client.conf: the keys of seed 003, values as a fresh install leaves them (no real file recorded). */
const DEFAULT_CONF = [
  '# 1E Client configuration file',
  '# Switch and BackgroundChannelUrl are set by the installation script.',
  'Switch=',
  'BackgroundChannelUrl=',
  'LoggingLevel=Info',
  'LogPath=/Library/Logs/1E.Client.log',
  'AuthenticationPolicy=optional',
  '',
].join('\n');

/** The receipt's files, relative to its location (seed 003's uninstall recipe lists them with pkgutil --files). */
const PACKAGE_FILES = [
  'Application Support/1E/Client/1E.Client',
  'Application Support/1E/Client/1E.Client.conf',
  'Application Support/1E/Client/scripts/uninstall.sh',
  'LaunchDaemons/com.1e.pkg.1E.Client.plist',
];

/** Installs (or upgrades) the 1E Client package; true when it was an upgrade. */
export function installClientPackage(mac: MacState, version: string): boolean {
  const upgrade = mac.packages.has(CLIENT_PACKAGE_ID);
  mac.packages.set(CLIENT_PACKAGE_ID, {
    id: CLIENT_PACKAGE_ID,
    version,
    volume: '/',
    location: 'Library',
    installTime: Math.floor(mac.now().getTime() / 1000),
    files: [...PACKAGE_FILES],
  });
  writeFile(mac, CLIENT_BINARY, Buffer.from(`simulated 1E.Client ${version} (x86_64)\n`), 0o755);
  // As the seed says: installing the package resets 1E.Client.conf to its defaults.
  writeFile(mac, DEFAULT_CONF_PATH, Buffer.from(DEFAULT_CONF), 0o644);
  writeFile(mac, '/Library/Application Support/1E/Client/scripts/uninstall.sh', Buffer.from('#!/bin/sh\n'), 0o755);
  writeFile(
    mac,
    CLIENT_PLIST,
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>Label</key><string>${CLIENT_LAUNCHD_LABEL}</string><key>RunAtLoad</key><true/></dict></plist>\n`,
    ),
    0o644,
  );
  return upgrade;
}

/**
 * pkgutil --pkgs, --pkg-info, --files, --forget. Sources: "No receipt for 'ID' found at '/'."
 * (boxen/boxen#161); "Forgot package 'ID' on '/'." (lionheart/openradar-mirror#16386). The
 * --pkg-info field names are the ones the facts parser reads; no source for "Must be run as root".
 */
function pkgutil(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  const id = a[a.length - 1] ?? '';
  const pkg = mac.packages.get(id);
  const none = err(1, `No receipt for '${id}' found at '/'.`);
  if (a[0] === '--pkgs') return ok([...mac.packages.keys()].map((k) => k + '\n').join(''));
  if (a[0] === '--pkg-info') {
    if (!pkg) return none;
    return ok(
      `package-id: ${pkg.id}\nversion: ${pkg.version}\nvolume: ${pkg.volume}\nlocation: ${pkg.location}\ninstall-time: ${pkg.installTime}\n`,
    );
  }
  if (a.includes('--files')) return pkg ? ok(pkg.files.map((f) => f + '\n').join('')) : none;
  if (a[0] === '--forget') {
    if (!root) return err(1, 'Must be run as root');
    if (!pkg) return none;
    mac.packages.delete(id);
    return ok(`Forgot package '${id}' on '/'.\n`);
  }
  return err(1, 'pkgutil: unknown option');
}

/**
 * hdiutil attach IMAGE [-mountpoint DIR] and detach/eject. A disk image is recognised by the
 * "koly" trailer in its last 512 bytes (Apple's UDIF format; no Apple source kept here). Sources
 * for the failures: "attach failed - image not recognized" (nwutils/updater#118), "attach failed
 * - Resource busy" (davilla/atvusb-creator#110). The -plist answer has the keys the facts parser
 * reads (system-entities, mount-point); its exact content and detach's message have no source.
 * The image holds one package named like it unless the options say otherwise (seed 003: a .dmg
 * holds the .pkg).
 */
function hdiutil(mac: MacState, a: readonly string[]): CommandResult {
  if (a[0] === 'attach') {
    const image = a[a.length - 1] ?? '';
    const mi = a.indexOf('-mountpoint');
    const mount = mi > 0 ? (a[mi + 1] ?? '') : `/Volumes/${basename(image).replace(/\.dmg$/i, '')}`;
    const data = readAny(mac, image);
    if (!data) return err(1, 'hdiutil: attach failed - No such file or directory');
    if (data.length < 512 || data.subarray(data.length - 512, data.length - 508).toString('latin1') !== 'koly')
      return err(1, 'hdiutil: attach failed - image not recognized');
    if (mac.mounts.has(mount)) return err(1, 'hdiutil: attach failed - Resource busy');
    mac.mounts.set(mount, image);
    mac.dirs.add(mount);
    for (const name of mac.diskImages[image] ?? [basename(image).replace(/\.dmg$/i, '') + '.pkg']) {
      mac.files.set(posix.join(mount, name), { content: Buffer.from(`xar!simulated package ${name}`), mode: 0o644 });
    }
    return ok(attachPlist(mount));
  }
  if (a[0] === 'detach' || a[0] === 'eject') {
    const mount = a[1] ?? '';
    if (!mac.mounts.has(mount)) return err(1, `hdiutil: ${a[0]} failed - No such file or directory`);
    mac.mounts.delete(mount);
    for (const p of [...mac.files.keys()]) if (p.startsWith(mount + '/')) mac.files.delete(p);
    mac.dirs.delete(mount);
    return ok('"disk4" ejected.\n');
  }
  return err(1, `hdiutil: unknown verb ${a[0] ?? ''}`);
}

function attachPlist(mount: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '\t<key>system-entities</key>',
    '\t<array>',
    '\t\t<dict>',
    '\t\t\t<key>content-hint</key>',
    '\t\t\t<string>GUID_partition_scheme</string>',
    '\t\t\t<key>dev-entry</key>',
    '\t\t\t<string>/dev/disk4</string>',
    '\t\t\t<key>potentially-mountable</key>',
    '\t\t\t<false/>',
    '\t\t</dict>',
    '\t\t<dict>',
    '\t\t\t<key>content-hint</key>',
    '\t\t\t<string>Apple_HFS</string>',
    '\t\t\t<key>dev-entry</key>',
    '\t\t\t<string>/dev/disk4s1</string>',
    '\t\t\t<key>mount-point</key>',
    `\t\t\t<string>${mount.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</string>`,
    '\t\t\t<key>potentially-mountable</key>',
    '\t\t\t<true/>',
    '\t\t\t<key>volume-kind</key>',
    '\t\t\t<string>hfs</string>',
    '\t\t</dict>',
    '\t</array>',
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

/** ditto -x -k ZIP DEST: unpacks a zip's names (seed 003: 23.x/24.x ship the .pkg in a zip). No source for its error text. */
function ditto(mac: MacState, a: readonly string[]): CommandResult {
  if (a[0] !== '-x' || a[1] !== '-k') return err(1, 'ditto: only -x -k is simulated');
  const zip = a[2] ?? '';
  const dest = a[3] ?? '';
  const data = readAny(mac, zip);
  if (!data) return err(1, `ditto: ${zip}: No such file or directory`);
  let entries;
  try {
    entries = listZipEntries(data);
  } catch {
    return err(1, `ditto: Couldn't read pkzip signature.`);
  }
  for (const e of entries) {
    if (e.directory) {
      mac.dirs.add(posix.join(dest, e.name));
      continue;
    }
    // Package payloads are not unpacked: a package is known by its name.
    mac.files.set(posix.join(dest, e.name), {
      content: Buffer.from(`xar!simulated package ${basename(e.name)}`),
      mode: 0o644,
    });
  }
  return ok();
}

/**
 * installer -pkg PKG -target /: a package is a xar archive (it starts with "xar!"). Output lines:
 * "installer: Package name is ..." and "installer: Upgrading at base path /" as recorded in
 * owncloud/client#2948; the rest of the wording has no source kept. The version is read from the
 * package's file name (1E names its media with the version, seed 003).
 */
function installer(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  const pkg = a[a.indexOf('-pkg') + 1] ?? '';
  if (a[a.indexOf('-target') + 1] !== '/') return err(1, 'installer: Error - the target volume is invalid.');
  const data = readAny(mac, pkg);
  if (!data || data.subarray(0, 4).toString('latin1') !== 'xar!')
    return err(1, `installer: Error the package path specified was invalid: '${pkg}'.`);
  if (!root) return err(1, 'installer: Must be run as root to install this package.');
  const version = /[vV_-](\d+\.\d+(?:\.\d+){0,2})/.exec(basename(pkg))?.[1] ?? '24.1.0.0';
  const upgrade = installClientPackage(mac, version);
  return ok(
    `installer: Package name is 1E Client\ninstaller: ${upgrade ? 'Upgrading' : 'Installing'} at base path /\ninstaller: The ${upgrade ? 'upgrade' : 'install'} was successful.\n`,
  );
}

/**
 * softwareupdate --install-rosetta [--agree-to-license] (seed 003). "Install of Rosetta 2 finished
 * successfully" is in flutter/website#12178; an Intel Mac's softwareupdate has no such option and
 * answers as getopt does ("unrecognized option `...'" then its usage line, as in
 * microsoft/shell-intune-samples#50). The licence text and the refusal without it have no source.
 */
function softwareupdate(mac: MacState, a: readonly string[], root: boolean): CommandResult {
  if (!a.includes('--install-rosetta')) return err(1, 'softwareupdate: only --install-rosetta is simulated');
  if (mac.arch === 'x86_64')
    return err(1, "softwareupdate: unrecognized option `--install-rosetta'\nusage: softwareupdate <cmd> [<args> ...]");
  if (!root && !a.includes('--agree-to-license'))
    return err(1, 'Installing Rosetta 2 requires agreeing to the license.');
  mac.rosetta = true;
  return ok(
    'By using the agreetolicense option, you are agreeing that you have run this tool with the license only option and have read and agreed to the terms.\nIf you do not agree, press CTRL-C and cancel this process immediately.\nInstall of Rosetta 2 finished successfully\n',
  );
}

export const PACKAGE_PROGRAMS: ProgramTable = {
  [BIN.pkgutil]: pkgutil,
  [BIN.hdiutil]: hdiutil,
  [BIN.ditto]: ditto,
  [BIN.installer]: installer,
  [BIN.softwareupdate]: softwareupdate,
};
