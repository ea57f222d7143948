// Changes a person must approve at the Mac (admin trust since macOS 11): where they can be approved, and the refusal before any change where they cannot.
import { OnboardError } from '../errors';
import type { Action } from './action';
import { sessionCanShowDialogs } from './facts/system';
import { BIN } from './paths';
import type { Command } from './types';

/** `launchctl managername`: the launchd session this process runs in (see parseManagerName). */
export const SESSION_COMMAND: Command = { program: BIN.launchctl, args: ['managername'] };

/**
 * What each session is, in a technician's words. Sources: launchd-842 (liblaunch/vproc_priv.h,
 * launchctl(1)) for the names; recorded on current macOS: Aqua in Terminal, Background over SSH
 * (see parseManagerName). A LaunchDaemon, and so an MDM agent, runs in System (launchd's source;
 * no recorded transcript).
 */
const SESSIONS: Readonly<Record<string, string>> = {
  Aqua: 'a login at the Mac',
  Background: 'for example an SSH login',
  System: 'a launchd daemon, such as an MDM agent',
  LoginWindow: 'the login window',
  StandardIO: 'a terminal session without a login at the Mac',
};

export function describeSession(session: string | null): string {
  if (session === null) return 'an unknown launchd session';
  return `the launchd session "${session}" (${SESSIONS[session] ?? 'not a login at the Mac'})`;
}

/** The common name in an approval action's title, for messages; the title itself otherwise. */
export function approvalSubject(a: Action): string {
  return /"([^"]*)"/.exec(a.title)?.[1] ?? a.title;
}

/**
 * Null when every pending change that needs a person can be approved here; otherwise the
 * refusal to make before anything changes. What decides it is the session THIS process runs in,
 * not whether someone is logged in elsewhere: authd shows the dialog only to a caller whose
 * audit session has graphic access (Security-61439.140.12, OSX/authd/engine.c#L1010-1019), and
 * fails the change otherwise ("The authorization was denied since no user interaction was possible.").
 */
export function approvalRefusal(pending: readonly Action[], session: string | null): OnboardError | null {
  const needing = pending.filter((a) => a.status === 'pending' && a.approval === 'trust-settings');
  if (needing.length === 0 || sessionCanShowDialogs(session)) return null;
  const names = needing.map((a) => `"${approvalSubject(a)}"`).join(', ');
  return new OnboardError(
    'trust-needs-person',
    `Trusting the root CA ${names} needs a person at this Mac to approve a macOS dialog (one per certificate, even for root, since macOS 11), and this runs in ${describeSession(session)}, where macOS cannot show one. Nothing was changed.`,
    'Deliver the CA trust with a configuration profile from your MDM (a com.apple.security.root payload), or run this step with a person at the Mac, in Terminal or in the Onboard app.',
  );
}
