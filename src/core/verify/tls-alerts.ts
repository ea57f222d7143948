// What the Switch meant: TLS alerts and local TLS errors turned into a plain meaning and a fix.

export interface TlsProblem {
  /** The TLS alert number when the peer sent one (RFC 8446 section 6). */
  alert?: number;
  /** Short name, e.g. "certificate revoked". */
  name: string;
  /** What it means for this Mac, in a sentence. */
  meaning: string;
  fix: string;
  /** True when the alert is the Switch refusing the client certificate. */
  aboutClientCertificate: boolean;
  /** True when the peer does not speak TLS at all or no protocol could be agreed. */
  protocolMismatch: boolean;
}

interface AlertText {
  name: string;
  meaning: string;
  fix: string;
  client: boolean;
}

const ALERTS: Record<number, AlertText> = {
  40: {
    name: 'handshake failure',
    client: true,
    meaning:
      'The Switch ended the handshake. With TLS 1.2 this is how OpenSSL refuses a client that presents no acceptable certificate; it can also mean no cipher or version in common.',
    fix: 'Check that the 1E Client has a client certificate for this Mac (System keychain identity, with private key access for 1E.Client) and that it is issued by a CA the Switch trusts.',
  },
  42: {
    name: 'bad certificate',
    client: true,
    meaning: 'The Switch could not use the client certificate (damaged, or its signature or key does not check out).',
    fix: 'Reissue the client certificate for this Mac and re-import the PFX.',
  },
  43: {
    name: 'unsupported certificate',
    client: true,
    meaning:
      "The Switch refused the client certificate's purpose: it lacks Client Authentication in Extended Key Usage (or Digital Signature in Key Usage).",
    fix: 'Request a certificate from a template with Client Authentication EKU and Digital Signature + Key Encipherment key usage.',
  },
  44: {
    name: 'certificate revoked',
    client: true,
    meaning: "The Switch found the client certificate on its CA's revocation list.",
    fix: 'Request a new certificate for this Mac and import it; the revoked one can never be used again.',
  },
  45: {
    name: 'certificate expired',
    client: true,
    meaning:
      "The client certificate (or a CA certificate above it) is expired or not yet valid, as the Switch's clock sees it.",
    fix: 'Check the dates of the certificate and the clocks of this Mac and the Switch; renew the certificate if it has expired.',
  },
  46: {
    name: 'certificate unknown',
    client: true,
    meaning:
      'The Switch could not validate the client certificate for an unspecified reason (often a CRL it cannot fetch or that has expired).',
    fix: 'Check that the CRL distribution points are reachable from the Switch and that the CRLs are current.',
  },
  48: {
    name: 'unknown CA',
    client: true,
    meaning:
      'The Switch does not trust the CA that issued the client certificate, or the chain to its root is incomplete.',
    fix: "Use a certificate from the CA the 1E platform trusts, or install this CA's root and issuing certificates on the 1E server; include the issuing CA in the PFX.",
  },
  49: {
    name: 'access denied',
    client: true,
    meaning: 'The Switch validated the certificate but refused access by policy.',
    fix: 'Ask the 1E administrator whether this device is allowed to connect.',
  },
  51: {
    name: 'decrypt error',
    client: true,
    meaning: 'A signature in the handshake did not verify: the private key may not match the certificate.',
    fix: 'Re-export the PFX with the certificate and its own private key, then re-import it.',
  },
  116: {
    name: 'certificate required',
    client: true,
    meaning: 'The Switch requires a client certificate and none was presented.',
    fix: 'Import the client identity (certificate and private key) into the System keychain and give the 1E Client access to its private key.',
  },
  10: {
    name: 'unexpected message',
    client: false,
    meaning: 'The two sides disagreed about the TLS conversation.',
    fix: 'Check that HOST:PORT is the 1E Switch and that no TLS-inspecting proxy sits in between.',
  },
  20: {
    name: 'bad record MAC',
    client: false,
    meaning: 'Data was altered in transit.',
    fix: 'Check for a proxy or network device that tampers with TLS traffic.',
  },
  47: {
    name: 'illegal parameter',
    client: false,
    meaning: 'The Switch found a malformed handshake field.',
    fix: 'Check that no TLS-inspecting proxy sits between this Mac and the Switch.',
  },
  50: {
    name: 'decode error',
    client: false,
    meaning: 'The Switch could not decode a handshake message.',
    fix: 'Check that no TLS-inspecting proxy sits between this Mac and the Switch.',
  },
  70: {
    name: 'protocol version',
    client: false,
    meaning: 'The Switch does not accept the TLS version offered.',
    fix: "The 1E platform supports TLS 1.2 and 1.3; check the Switch's TLS settings.",
  },
  71: {
    name: 'insufficient security',
    client: false,
    meaning: 'The Switch wants stronger ciphers than were offered.',
    fix: "Check the Switch's cipher settings.",
  },
  80: {
    name: 'internal error',
    client: false,
    meaning: 'The Switch failed internally during the handshake.',
    fix: "Look at the Switch's log on the 1E server.",
  },
  112: {
    name: 'unrecognized name',
    client: false,
    meaning: 'The Switch does not answer for the host name used.',
    fix: 'Use the Switch name exactly as in its certificate, e.g. the FQDN.',
  },
};

const ALERT_BY_CODE_NAME: Record<string, number> = {
  HANDSHAKE_FAILURE: 40,
  BAD_CERTIFICATE: 42,
  UNSUPPORTED_CERTIFICATE: 43,
  CERTIFICATE_REVOKED: 44,
  CERTIFICATE_EXPIRED: 45,
  CERTIFICATE_UNKNOWN: 46,
  UNKNOWN_CA: 48,
  ACCESS_DENIED: 49,
  DECRYPT_ERROR: 51,
  CERTIFICATE_REQUIRED: 116,
  UNEXPECTED_MESSAGE: 10,
  BAD_RECORD_MAC: 20,
  ILLEGAL_PARAMETER: 47,
  DECODE_ERROR: 50,
  PROTOCOL_VERSION: 70,
  INSUFFICIENT_SECURITY: 71,
  INTERNAL_ERROR: 80,
  UNRECOGNIZED_NAME: 112,
};

/** Reads the alert number from node's error: the message's "SSL alert number N", else the code. */
export function alertNumber(err: { code?: string; message?: string }): number | undefined {
  const m = err.message?.match(/SSL alert number (\d+)/);
  if (m) return Number(m[1]);
  const c = err.code?.match(/^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_(?:ALERT_)?([A-Z_]+)$/);
  return c ? ALERT_BY_CODE_NAME[c[1]!] : undefined;
}

/**
 * node's error code, or for a bare EPROTO (what https.request reports) the code named by the
 * OpenSSL reason in its message, e.g. "...:SSL routines:ssl3_get_record:wrong version number:..."
 * gives ERR_SSL_WRONG_VERSION_NUMBER, as tls.connect would have reported it.
 */
function opensslCode(err: { code?: string; message?: string }): string {
  if (err.code && err.code !== 'EPROTO') return err.code;
  const reason = err.message?.match(/:SSL routines:[^:]*:([a-z0-9 ]+):/i)?.[1];
  return reason ? `ERR_SSL_${reason.trim().toUpperCase().replace(/ +/g, '_')}` : (err.code ?? '');
}

/** Explains any error a TLS connection to the Switch ended with. */
export function explainTlsError(err: { code?: string; message?: string }): TlsProblem {
  const alert = alertNumber(err);
  if (alert !== undefined) {
    const a = ALERTS[alert];
    if (a)
      return {
        alert,
        name: a.name,
        meaning: a.meaning,
        fix: a.fix,
        aboutClientCertificate: a.client,
        protocolMismatch: alert === 70,
      };
    return {
      alert,
      name: `alert ${alert}`,
      meaning: `The Switch ended the connection with TLS alert ${alert}.`,
      fix: "Look at the Switch's log on the 1E server for the reason.",
      aboutClientCertificate: false,
      protocolMismatch: false,
    };
  }
  const code = opensslCode(err);
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ||
    code === 'ERR_SSL_HTTP_REQUEST'
  ) {
    return {
      name: 'not TLS',
      meaning: 'Something answers on this port, but it does not speak TLS (perhaps plain HTTP, or another service).',
      fix: 'Check the Switch port (1E uses 4000 by default) and that HOST:PORT is the Switch.',
      aboutClientCertificate: false,
      protocolMismatch: true,
    };
  }
  if (
    code === 'ERR_SSL_UNSUPPORTED_PROTOCOL' ||
    code === 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' ||
    code === 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION'
  ) {
    return {
      name: 'no common TLS version',
      meaning: 'This Mac and the Switch share no TLS version (1E uses TLS 1.2 or 1.3).',
      fix: "Check the Switch's TLS settings.",
      aboutClientCertificate: false,
      protocolMismatch: true,
    };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return {
      name: 'connection reset',
      meaning: 'The Switch (or something in between) dropped the connection without a TLS alert.',
      fix: "Look at the Switch's log; check for firewalls or proxies that cut TLS connections.",
      aboutClientCertificate: false,
      protocolMismatch: false,
    };
  }
  if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH' || /key values mismatch/i.test(err.message ?? '')) {
    return {
      name: 'key does not match',
      meaning: 'The private key does not belong to the client certificate, so no client certificate can be presented.',
      fix: 'Export the PFX again with the certificate and its own private key.',
      aboutClientCertificate: true,
      protocolMismatch: false,
    };
  }
  return {
    name: code || 'TLS error',
    meaning: `The TLS connection failed: ${err.message ?? code}.`,
    fix: "Check that HOST:PORT is the 1E Switch, and look at the Switch's log.",
    aboutClientCertificate: false,
    protocolMismatch: false,
  };
}

/**
 * Plain meanings of OpenSSL's verification results for the Switch's own certificate (the names node and
 * verifyServerChain use). `depth` is where OpenSSL found the error (0: the Switch's certificate; above: a CA
 * certificate of its chain), and `culprit` names that CA certificate, when it is one.
 */
export function explainServerCertificateError(
  code: string,
  depth = 0,
  culprit?: string,
): { meaning: string; fix: string } {
  const ca = culprit ? `the CA certificate ${culprit} in its chain` : 'a CA certificate in its chain';
  // The path reached a chosen CA certificate that is not a root, and its issuer is not chosen.
  if (code === 'UNABLE_TO_GET_ISSUER_CERT' && depth > 0)
    return {
      meaning: `${ca} is among the chosen CA certificates, but the root above it is not, and OpenSSL trusts a path only up to a root`,
      fix: 'Add the root CA certificate above it to the CA certificates.',
    };
  switch (code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return {
        meaning: 'it is issued by a CA that is not among the chosen CA certificates (or the issuing CA is missing)',
        fix: "Add the root and issuing CA certificates of the Switch's certificate to the CA certificates, or check that HOST:PORT is really the Switch.",
      };
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return {
        meaning: 'its chain ends in a root that is not among the chosen CA certificates',
        fix: "Add that root CA certificate to the CA certificates if it is your PKI's root; otherwise something else answers on this address.",
      };
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return {
        meaning: 'it is self-signed, which 1E never accepts',
        fix: 'Install a certificate from your PKI on the 1E server.',
      };
    case 'CERT_HAS_EXPIRED':
      return depth > 0
        ? {
            meaning: `${ca} has expired`,
            fix: "Install the renewed CA certificate on the 1E server with its certificate (and among the CA certificates, if it is the root); if the CA was renewed with a new key, renew the 1E server's certificate under it.",
          }
        : { meaning: 'it has expired', fix: "Renew the 1E server's certificate." };
    case 'CERT_NOT_YET_VALID':
      return {
        meaning: `${depth > 0 ? `${ca} is` : 'it is'} not valid yet (or this Mac's clock is behind)`,
        fix: 'Check the date and time on this Mac.',
      };
    case 'CERT_REVOKED':
      return { meaning: 'it has been revoked', fix: 'Install a new certificate on the 1E server.' };
    case 'CERT_SIGNATURE_FAILURE':
      return {
        meaning: `${depth > 0 ? ca : 'it'} names an issuer whose key did not make its signature: it was signed by a different CA of the same name, or altered`,
        fix: "Install the 1E server's certificate together with the CA certificates that really issued it, and check that those are the ones chosen.",
      };
    case 'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY':
      return {
        meaning: `${ca} has a key that cannot be read, so nothing it signed can be checked`,
        fix: 'Ask your PKI team to reissue that CA certificate with an RSA or EC key.',
      };
    case 'INVALID_CA':
      return {
        meaning: `${ca} is not allowed to act as a CA (no basic constraints CA:TRUE, or a key usage without certificate signing)`,
        fix: "Ask your PKI team to issue the 1E server's certificate from a real CA, and install that CA's certificate with it.",
      };
    case 'INVALID_PURPOSE':
      return depth > 0
        ? {
            meaning: `${ca} limits its extended key usage to purposes without Server Authentication, and OpenSSL holds every certificate below it to them`,
            fix: "Ask your PKI team to issue the 1E server's certificate from a CA whose extended key usage includes Server Authentication (or has none).",
          }
        : {
            meaning:
              'it is not made for a TLS server: its extended key usage lacks Server Authentication, or its key usage lacks Digital Signature and Key Encipherment',
            fix: "Reissue the 1E server's certificate from a web server template (Server Authentication, Digital Signature and Key Encipherment).",
          };
    case 'PATH_LENGTH_EXCEEDED':
      return {
        meaning: `${ca} allows fewer CA certificates below it (its path length constraint) than the chain has`,
        fix: "Ask your PKI team to issue the 1E server's certificate from a CA closer to that one.",
      };
    case 'CERT_CHAIN_TOO_LONG':
      return {
        meaning: 'its chain has more CA certificates than OpenSSL accepts (100 below the root)',
        fix: "Issue the 1E server's certificate from a CA with a short chain.",
      };
    case 'UNHANDLED_CRITICAL_EXTENSION':
      return {
        meaning: `${depth > 0 ? ca : 'it'} has a critical extension OpenSSL does not know, which a TLS client must refuse`,
        fix: 'Ask your PKI team to reissue it without that extension, or with the extension not marked critical.',
      };
    case 'PERMITTED_VIOLATION':
    case 'EXCLUDED_VIOLATION':
      return {
        meaning: `${depth > 0 ? ca : 'it'} has a name that a CA above it may not issue (its name constraints)`,
        fix: "Ask your PKI team to issue the certificate with names inside the CA's name constraints, or to widen them.",
      };
    case 'SUBTREE_MINMAX':
    case 'UNSUPPORTED_CONSTRAINT_TYPE':
    case 'UNSUPPORTED_CONSTRAINT_SYNTAX':
    case 'UNSUPPORTED_NAME_SYNTAX':
      return {
        meaning: 'a CA above it has name constraints OpenSSL cannot check, so it refuses the chain',
        fix: 'Ask your PKI team to reissue that CA with name constraints of DNS, e-mail, IP, URI or directory names only, without minimum or maximum.',
      };
    default:
      return {
        meaning: `OpenSSL refused it (${code})`,
        fix: "Check the Switch's certificate chain against the CA certificates.",
      };
  }
}
