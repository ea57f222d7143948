// The core's command-line advice put in the wizard's words, per screen.
import { describe, it, expect } from 'vitest';
import { OnboardError } from '../../../../src/core/errors';
import { forScreen, hasCommandLineAdvice, screenError } from '../../../../src/main/ipc/wording';

describe("advice put in the wizard's words", () => {
  it('recognises command-line advice, and only that', () => {
    expect(
      hasCommandLineAdvice(
        'Give the password with --password-env VAR or --password-file FILE (or type it when asked).',
      ),
    ).toBe(true);
    expect(hasCommandLineAdvice('Make the request again (onboard csr).')).toBe(true);
    expect(hasCommandLineAdvice('Use the password given to `onboard lab init` for this lab.')).toBe(true);
    expect(hasCommandLineAdvice('Check the name under System Settings > General > Sharing (e.g. MAC01.local).')).toBe(
      false,
    );
    expect(hasCommandLineAdvice('Onboard imports its own macOS-compatible copy -- nothing to do.')).toBe(false);
  });

  it("rewords the core's fixes that name options or `onboard` verbs", () => {
    const cases: [string, string][] = [
      ['Pass the root CA certificate with --ca.', 'Add the root CA certificate on the CA certificates step.'],
      [
        'Request a new certificate with an RSA 2048-bit (or larger) key: `onboard csr` makes one.',
        'Request a new certificate with an RSA 2048-bit (or larger) key: "Make a key and request on this Mac" on the Client certificate step makes one.',
      ],
      [
        'Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local"; check the host name with `scutil --get LocalHostName` (add .local).',
        'Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local"; Welcome shows the name 1E expects for this Mac.',
      ],
      ['Give a short name, e.g. --name "Acme Lab".', 'Type a short name under Lab name, e.g. Acme Lab.'],
      ['Choose another output folder, or pass --force to replace it.', 'Choose another output folder.'],
    ];
    for (const [core, wizard] of cases) {
      expect(hasCommandLineAdvice(core)).toBe(true);
      expect(forScreen(core)).toBe(wizard);
      expect(hasCommandLineAdvice(forScreen(core))).toBe(false);
    }
  });

  it('gives an error the advice of the screen it is shown on, keeping its code', () => {
    const e = new OnboardError(
      'password-required',
      'root.pfx is a password-protected PFX.',
      'Give the password with --password-env VAR or --password-file FILE (or type it when asked).',
    );
    expect(screenError(e, 'ca')).toMatchObject({
      code: 'password-required',
      message: 'root.pfx is a password-protected PFX.',
      hint: expect.stringContaining('CA certificates never have a password'),
    });
    expect(screenError(e, 'issued-certificate').hint).toContain('"An existing .pfx"');
    const revoked = new OnboardError(
      'lab-issuer-revoked',
      "The lab's issuing CA CN=Bench Issuing CA (serial 1A) was revoked: every certificate it issues would be rejected by the Switch and by `onboard verify`. Nothing was issued.",
      'Issue a new intermediate first with `onboard lab intermediate --dir /tmp/lab` (the root stays, so Macs need no new root), then run this again.',
    );
    const shown = screenError(revoked);
    expect(hasCommandLineAdvice(`${shown.message} ${shown.hint}`)).toBe(false);
    expect(shown.message).toContain("by Onboard's Verify step");
    expect(shown.hint).toContain('Create a new lab CA here');
  });

  it('leaves advice that is already fit for the screen as it is', () => {
    const e = new OnboardError(
      'pfx-wrong-password',
      'The password does not open this .pfx file.',
      'Check the password with whoever exported the file (passwords are case-sensitive).',
    );
    expect(screenError(e)).toBe(e);
  });
});
