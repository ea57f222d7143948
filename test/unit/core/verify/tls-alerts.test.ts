import { describe, expect, it } from 'vitest';
import { alertNumber, explainServerCertificateError, explainTlsError } from '../../../../src/core/verify/tls-alerts';
import { parseSwitchAddress } from '../../../../src/core/verify/switch-probe';

// Error codes and messages exactly as node 20 reports them for OpenSSL alerts.
const nodeError = (code: string, alert: number, text: string) => ({
  code,
  message: `80BCE1E5057F0000:error:0A00045C:SSL routines:ssl3_read_bytes:${text}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number ${alert}\n`,
});

describe('explainTlsError', () => {
  it.each([
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 116, 'tlsv13 alert certificate required', 'certificate required'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 44, 'sslv3 alert certificate revoked', 'certificate revoked'],
    [
      'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE',
      43,
      'sslv3 alert unsupported certificate',
      'unsupported certificate',
    ],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 48, 'tlsv1 alert unknown ca', 'unknown CA'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 45, 'sslv3 alert certificate expired', 'certificate expired'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 42, 'sslv3 alert bad certificate', 'bad certificate'],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 40, 'sslv3 alert handshake failure', 'handshake failure'],
  ])('reads %s as alert %i and names it as a client certificate rejection', (code, alert, text, name) => {
    const p = explainTlsError(nodeError(code, alert, text));
    expect(p).toMatchObject({ alert, name, aboutClientCertificate: true });
    expect(p.fix.length).toBeGreaterThan(20);
  });

  it("tells the client certificate purpose problem in the technician's words", () => {
    expect(explainTlsError(nodeError('ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 43, 'x')).meaning).toContain(
      'Client Authentication',
    );
  });

  it('falls back to the error code when the message carries no alert number', () => {
    expect(alertNumber({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: 'unknown ca' })).toBe(48);
    expect(alertNumber({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' })).toBe(116);
  });

  it('names an alert it has no text for by its number, without claiming it is about the certificate', () => {
    expect(explainTlsError({ code: 'ERR_SSL_SOMETHING', message: 'SSL alert number 99' })).toMatchObject({
      alert: 99,
      name: 'alert 99',
      aboutClientCertificate: false,
    });
  });

  it('recognises a port that does not speak TLS', () => {
    expect(explainTlsError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' })).toMatchObject({
      name: 'not TLS',
      protocolMismatch: true,
    });
    // https.request reports the same as a bare EPROTO, the reason only in the message.
    const eproto = {
      code: 'EPROTO',
      message:
        'write EPROTO 809CE9F8477F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
    };
    expect(explainTlsError(eproto)).toMatchObject({ name: 'not TLS', protocolMismatch: true });
    expect(explainTlsError({ code: 'EPROTO', message: 'write EPROTO something else' })).toMatchObject({
      name: 'EPROTO',
      protocolMismatch: false,
    });
  });

  it('recognises a key that does not belong to the certificate', () => {
    expect(
      explainTlsError({ code: 'ERR_OSSL_X509_KEY_VALUES_MISMATCH', message: 'key values mismatch' }),
    ).toMatchObject({ aboutClientCertificate: true, name: 'key does not match' });
  });
});

describe('explainServerCertificateError', () => {
  it('explains a self-signed Switch certificate as never accepted by 1E', () => {
    expect(explainServerCertificateError('DEPTH_ZERO_SELF_SIGNED_CERT').meaning).toContain('self-signed');
  });

  it('explains an unknown issuer by pointing at the CA certificates', () => {
    expect(explainServerCertificateError('UNABLE_TO_VERIFY_LEAF_SIGNATURE').fix).toContain('CA certificates');
  });

  it("says which certificate expired: the Switch's own, or a CA certificate of its chain", () => {
    expect(explainServerCertificateError('CERT_HAS_EXPIRED').meaning).toBe('it has expired');
    expect(explainServerCertificateError('CERT_HAS_EXPIRED', 1, '"Issuing CA"').meaning).toBe(
      'the CA certificate "Issuing CA" in its chain has expired',
    );
  });

  it('asks for the root above a chosen CA certificate that is not one', () => {
    expect(explainServerCertificateError('UNABLE_TO_GET_ISSUER_CERT', 1, '"Issuing CA"')).toEqual({
      meaning:
        'the CA certificate "Issuing CA" in its chain is among the chosen CA certificates, but the root above it is not, and OpenSSL trusts a path only up to a root',
      fix: 'Add the root CA certificate above it to the CA certificates.',
    });
  });

  it('explains a purpose error at the Switch certificate and at a CA differently', () => {
    expect(explainServerCertificateError('INVALID_PURPOSE').meaning).toContain('not made for a TLS server');
    expect(explainServerCertificateError('INVALID_PURPOSE', 1).meaning).toContain('a CA certificate in its chain');
  });

  it.each([
    'CERT_SIGNATURE_FAILURE',
    'INVALID_CA',
    'PATH_LENGTH_EXCEEDED',
    'UNHANDLED_CRITICAL_EXTENSION',
    'CERT_CHAIN_TOO_LONG',
    'PERMITTED_VIOLATION',
    'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  ])('has words of its own for %s', (code) => {
    expect(explainServerCertificateError(code, 1).meaning).not.toContain(code);
  });
});

describe('parseSwitchAddress', () => {
  it('splits a name, an IPv4 and a bracketed IPv6 address from the port', () => {
    expect(parseSwitchAddress('tachyon.acme.local:4000')).toEqual({ host: 'tachyon.acme.local', port: 4000 });
    expect(parseSwitchAddress('10.0.0.5:4000')).toEqual({ host: '10.0.0.5', port: 4000 });
    expect(parseSwitchAddress('[fd00::1]:4000')).toEqual({ host: 'fd00::1', port: 4000 });
  });

  it.each(['tachyon.acme.local', 'tachyon.acme.local:0', 'tachyon.acme.local:70000', 'https://tachyon:4000', ':4000'])(
    'refuses %s with a hint',
    (s) => {
      expect(() => parseSwitchAddress(s)).toThrow(expect.objectContaining({ hint: expect.stringContaining('4000') }));
    },
  );
});
