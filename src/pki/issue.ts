// Certificate issuance with node's WebCrypto and @peculiar/x509: ECDSA P-256 keys, SHA-256
// signatures. A CA is self-signed; leaves carry CN/O subjects, key usages and SANs.
import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

/** A PEM certificate with its PEM (PKCS#8) private key. */
export interface KeyPair {
  certPem: string;
  keyPem: string;
}

/** What a leaf certificate says about its holder and how it may be used. */
export interface CertSpec {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  /** serverAuth, clientAuth or both. */
  usages: ('server' | 'client')[];
}

/** Issuance parameters that are not part of the spec: validity and the clock. */
export interface IssueOptions {
  now?: Date;
  days?: number;
}

function subjectOf(cn: string, orgs: string[] = []): x509.JsonName {
  return [...orgs.map((o) => ({ O: [o] })), { CN: [cn] }];
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

function serial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = b[0]! & 0x7f; // positive
  return Buffer.from(b).toString('hex');
}

/** Creates a self-signed cluster CA (10 years by default). */
export async function createCA(commonName: string, o: IssueOptions = {}): Promise<KeyPair> {
  const now = o.now ?? new Date();
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: subjectOf(commonName),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (o.days ?? 3650) * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
}

async function importCAKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']) as Promise<CryptoKey>;
}

/** Issues a leaf certificate for `spec` signed by `ca` (1 year by default). */
export async function issueCert(ca: KeyPair, spec: CertSpec, o: IssueOptions = {}): Promise<KeyPair> {
  const now = o.now ?? new Date();
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await newKeys();
  const names: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const eku = spec.usages.map((u) => (u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku, false),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: subjectOf(spec.commonName, spec.organizations),
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + (o.days ?? 365) * DAY),
    publicKey: keys.publicKey,
    signingKey: await importCAKey(ca.keyPem),
    signingAlgorithm: ALG,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
}

/** What a certificate says, read back with node:crypto (for idempotence checks and tests). */
export interface CertFacts {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
  notAfter: Date;
  isCA: boolean;
}

/** Parses the subject (CN, every O) and SANs of a PEM certificate. */
export function certFacts(pem: string): CertFacts {
  const c = new NodeX509(pem);
  const lines = c.subject.split('\n');
  const get = (k: string) => lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
  const san = (c.subjectAltName ?? '').split(', ').filter(Boolean);
  return {
    commonName: get('CN')[0] ?? '',
    organizations: get('O'),
    dnsNames: san.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
    ipAddresses: san.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice(11)),
    notAfter: new Date(c.validTo),
    isCA: c.ca,
  };
}

/** True when `pem` was signed by `caPem` and is valid at `now` for at least `marginDays` more. */
export function isValidFrom(pem: string, caPem: string, now = new Date(), marginDays = 30): boolean {
  try {
    const c = new NodeX509(pem);
    const ca = new NodeX509(caPem);
    if (!c.checkIssued(ca) || !c.verify(ca.publicKey)) return false;
    return new Date(c.validFrom) <= now && new Date(c.validTo).getTime() > now.getTime() + marginDays * DAY;
  } catch {
    return false;
  }
}
