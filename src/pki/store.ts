// Writes the planned certificates under a directory, keeping every existing one that is still
// valid, signed by the current CA and says what the plan says (so re-running is a no-op).
import fs from 'node:fs';
import path from 'node:path';
import { certFacts, createCA, isValidFrom, issueCert, type CertSpec, type KeyPair } from './issue.js';
import { planCerts, type PkiOptions } from './plan.js';

/** Paths of one written certificate. */
export interface CertFiles {
  cert: string;
  key: string;
}

/** What `ensurePki` leaves behind: file paths by planned name, plus which ones it (re)issued. */
export interface PkiResult {
  dir: string;
  ca: CertFiles;
  etcdCA: CertFiles;
  certs: Record<string, CertFiles>;
  issued: string[];
}

function filesOf(dir: string, name: string): CertFiles {
  return { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

function read(f: CertFiles): KeyPair | undefined {
  try {
    return { certPem: fs.readFileSync(f.cert, 'utf8'), keyPem: fs.readFileSync(f.key, 'utf8') };
  } catch {
    return undefined;
  }
}

function write(f: CertFiles, kp: KeyPair): void {
  fs.mkdirSync(path.dirname(f.cert), { recursive: true, mode: 0o755 });
  fs.writeFileSync(f.key, kp.keyPem, { mode: 0o600 });
  fs.chmodSync(f.key, 0o600);
  fs.writeFileSync(f.cert, kp.certPem, { mode: 0o644 });
}

/** True when the certificate on disk names the same subject and covers every planned SAN. */
export function matchesSpec(certPem: string, spec: CertSpec): boolean {
  const f = certFacts(certPem);
  const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  const covers = (have: string[], want: string[] = []) => want.every((x) => have.includes(x));
  return f.commonName === spec.commonName && sameSet(f.organizations, spec.organizations ?? []) && covers(f.dnsNames, spec.dnsNames) && covers(f.ipAddresses, spec.ipAddresses);
}

async function ensureCA(dir: string, name: string, cn: string, issued: string[], now: Date): Promise<{ files: CertFiles; kp: KeyPair }> {
  const files = filesOf(dir, name);
  const have = read(files);
  if (have && certFacts(have.certPem).isCA && isValidFrom(have.certPem, have.certPem, now, 365)) return { files, kp: have };
  const kp = await createCA(cn, { now });
  write(files, kp);
  issued.push(name);
  return { files, kp };
}

/**
 * 1. ensure the cluster CA and the etcd CA; 2. for each planned cert keep the existing one when
 * valid, issued by its CA and matching the spec, else issue and write a new one.
 */
export async function ensurePki(dir: string, o: PkiOptions, now = new Date()): Promise<PkiResult> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const issued: string[] = [];
  const ca = await ensureCA(dir, 'ca', 'kubernetes', issued, now);
  const etcdCA = await ensureCA(dir, 'etcd/ca', 'etcd-ca', issued, now);
  const certs: Record<string, CertFiles> = {};
  for (const p of planCerts(o)) {
    const signer = p.signer === 'ca' ? ca.kp : etcdCA.kp;
    const files = filesOf(dir, p.name);
    certs[p.name] = files;
    const have = read(files);
    if (have && isValidFrom(have.certPem, signer.certPem, now) && matchesSpec(have.certPem, p.spec)) continue;
    write(files, await issueCert(signer, p.spec, { now }));
    issued.push(p.name);
  }
  return { dir, ca: ca.files, etcdCA: etcdCA.files, certs, issued };
}
