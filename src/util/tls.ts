// The TLS policy every kubets server uses: TLS 1.2 minimum, AEAD ECDHE suites only (TLS 1.3
// suites are all strong), optional client-certificate request against a CA bundle.
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/** TLS 1.2 suites allowed, strongest first (upstream's secure defaults, minus CBC and RSA kx). */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];
const TLS13_CIPHERS = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** Serving material: PEM certificate chain and key, optional client CA bundle. */
export interface ServingCerts {
  cert: string | Buffer;
  key: string | Buffer;
  clientCA?: string | Buffer;
}

/**
 * Options for `https.createServer`. With a client CA the server asks for a certificate but does
 * not require one (tokens may authenticate instead); `socket.authorized` tells whether the one
 * presented chained to the CA.
 */
export function serverTlsOptions(c: ServingCerts): TlsOptions {
  const o: TlsOptions & SecureContextOptions = {
    cert: c.cert,
    key: c.key,
    minVersion: 'TLSv1.2',
    ciphers: [...TLS13_CIPHERS, ...TLS12_CIPHERS].join(':'),
    honorCipherOrder: true,
  };
  if (c.clientCA) {
    o.ca = c.clientCA;
    o.requestCert = true;
    o.rejectUnauthorized = false;
  }
  return o;
}
