// The wizard's advice: every code it has advice for exists, the one error box and the findings list show it (by
// screen where one error needs different advice on different screens), and none of it names a command-line option.
import { describe, it, expect } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ERROR_CODES, type ErrorCode } from '../../../../src/core/error-codes';
import { FIX_CODES, type FixCode } from '../../../../src/core/pki/requirements';
import type { Finding, IpcError } from '../../../../src/shared/contract';
import { ErrorBox } from '../../../../renderer/ui/ErrorBox';
import { Findings } from '../../../../renderer/ui/Findings';
import { WIZARD_ADVICE, WIZARD_FIXES, wizardError, wizardFix, type Screen } from '../../../../renderer/ui/advice';
import { commandLineSyntax } from '../../../support/front-end-words';

const SCREENS: Screen[] = ['ca', 'issued-certificate', 'other'];

const revoked: IpcError = {
  code: 'lab-issuer-revoked',
  message:
    "The lab's issuing CA CN=Bench Issuing CA (serial 1A) was revoked on 2026-01-01T00:00:00.000Z: every certificate it issues would be rejected by the Switch and by Onboard's verification. Nothing was issued.",
  hint: 'Give this lab a new intermediate CA first (the root stays, so Macs need no new root), then issue again.',
  details: { issuer: 'CN=Bench Issuing CA', serial: '1A', revokedAt: '2026-01-01T00:00:00.000Z', dir: '/tmp/lab' },
};

describe("the wizard's advice table", () => {
  it('has advice only for codes that exist', () => {
    expect(Object.keys(WIZARD_ADVICE).filter((c) => !ERROR_CODES.includes(c as ErrorCode))).toEqual([]);
    expect(Object.keys(WIZARD_FIXES).filter((c) => !FIX_CODES.includes(c as FixCode))).toEqual([]);
  });

  it('says nothing the command line would say, on any screen', () => {
    for (const code of Object.keys(WIZARD_ADVICE) as ErrorCode[])
      for (const s of SCREENS) {
        const shown = wizardError({ ...revoked, code }, s);
        expect({ code, s, syntax: commandLineSyntax(`${shown.message} ${shown.hint}`) }).toEqual({
          code,
          s,
          syntax: null,
        });
      }
    for (const fixCode of FIX_CODES) {
      const f: Finding = {
        id: 'x',
        status: 'fail',
        title: 't',
        detail: 'd',
        fix: 'Do it.',
        fixCode,
        details: { issuer: 'CN=I', hostname: 'MAC01.local' },
      };
      expect({ fixCode, syntax: commandLineSyntax(wizardFix(f)) }).toEqual({ fixCode, syntax: null });
    }
  });
});

describe('the error box', () => {
  it("shows the wizard's advice for the screen it is on, keeping the core's message", () => {
    const protectedPfx: IpcError = {
      code: 'password-required',
      message: 'root.pfx is a password-protected PFX.',
      hint: 'Give the password that protects it.',
    };
    const { rerender } = render(<ErrorBox error={protectedPfx} screen="ca" />);
    expect(screen.getByRole('alert').textContent).toContain('root.pfx is a password-protected PFX.');
    expect(screen.getByRole('alert').textContent).toContain(
      "CA certificates never have a password: this file is a password-protected .pfx or private key. If it is this Mac's .pfx, open it on the Client certificate step; here, add the CA certificates as .cer, .crt, .pem or .p7b files (ask your PKI team).",
    );
    rerender(<ErrorBox error={protectedPfx} screen="issued-certificate" />);
    expect(screen.getByRole('alert').textContent).toContain(
      'a password-protected .pfx goes under "An existing .pfx" instead.',
    );
    rerender(<ErrorBox error={protectedPfx} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'Onboard asks for a password only for a .pfx: open it under "An existing .pfx" on the Client certificate step.',
    );
  });

  it('words a message from its details where the wizard names its own step', () => {
    render(<ErrorBox error={revoked} title="Could not issue." />);
    const box = screen.getByRole('alert');
    expect(box.textContent).toContain(
      "The lab's issuing CA CN=Bench Issuing CA (serial 1A) was revoked on 2026-01-01T00:00:00.000Z: every certificate it issues would be rejected by the Switch and by Onboard's Verify step. Nothing was issued.",
    );
    expect(box.textContent).toContain(
      'Create a new lab CA here, or ask the lab engineer to give this lab a new intermediate CA (the root stays, so Macs need no new root), then issue again.',
    );
  });

  it("shows the core's words as they are where the wizard has nothing to add", () => {
    render(
      <ErrorBox
        error={{ code: 'pfx-wrong-password', message: 'The password does not open this .pfx file.', hint: 'Check it.' }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('The password does not open this .pfx file.Check it.');
  });
});

describe('the findings list', () => {
  it("shows each fix in the wizard's words, by fix code", () => {
    const findings: Finding[] = [
      {
        id: 'key-rsa',
        status: 'fail',
        title: 'RSA key',
        detail: 'The key is EC P-256.',
        fix: 'Request a new certificate with an RSA 2048-bit (or larger) key.',
        fixCode: 'request-rsa-key',
      },
      {
        id: 'subject-hostname',
        status: 'fail',
        title: 'Names this Mac exactly (CN or SAN DNS)',
        detail: 'The host name "MAC01.local" is not in the certificate.',
        fix: 'Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local".',
        fixCode: 'request-for-hostname',
        details: { hostname: 'MAC01.local' },
      },
      {
        id: 'chain-complete',
        status: 'fail',
        title: 'Every CA certificate up to the root is available',
        detail: 'd',
        fix: 'Get the CA certificate "CN=X" (and any above it up to the root) from your PKI team and add it; the Mac needs every one of them.',
        fixCode: 'add-issuer',
        details: { issuer: 'CN=X' },
      },
    ];
    render(<Findings findings={findings} kind="requirements" />);
    expect(screen.getByText(/makes one/).textContent).toContain(
      'Request a new certificate with an RSA 2048-bit (or larger) key: "Make a key and request on this Mac" on the Client certificate step makes one.',
    );
    expect(screen.getByText(/Welcome shows/).textContent).toContain(
      'Request a certificate with CN exactly "MAC01.local" and SAN DNS "MAC01.local"; Welcome shows the name 1E expects for this Mac.',
    );
    expect(screen.getByText(/CN=X/).textContent).toContain(
      'Get the CA certificate "CN=X" (and any above it up to the root) from your PKI team and add it on the CA certificates step; the Mac needs every one of them.',
    );
  });
});
