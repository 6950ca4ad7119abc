// Client-certificate authentication: a TLS peer certificate that chained to `--client-ca-file`
// (the TLS layer verified it; `socket.authorized`) names the user: CN = user, O = groups.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../admission/interface.js';
import type { Authenticator } from '../auth.js';

/** Subject fields as node reports them: a string, or an array when the attribute repeats. */
export function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Reads the verified client certificate of a TLS request. */
export class X509Authenticator implements Authenticator {
  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const sock = req.socket as TLSSocket;
    if (!sock.encrypted || !sock.authorized) return undefined;
    const cert = sock.getPeerCertificate();
    if (!cert || !cert.subject) return undefined;
    const cn = asList(cert.subject.CN)[0];
    if (!cn) return undefined;
    return { username: cn, groups: asList(cert.subject.O) };
  }
}
