// Static token file (`--token-auth-file`), upstream CSV format, one user a line:
//   token,user,uid[,"group1,group2,..."]
// Blank lines and lines starting with # are ignored.
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../admission/interface.js';
import type { Authenticator } from '../auth.js';
import { bearerToken } from './bearer.js';
import type { TokenAuthenticator } from '../serviceaccount/authenticator.js';

/** Splits one CSV line, honouring double quotes ("" inside quotes is a literal quote). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (quoted) throw new Error('unterminated quote');
  out.push(cur);
  return out;
}

/** Parses the file's text into token → user. Throws naming the line on a malformed entry. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const rec = splitCsvLine(line).map((s) => s.trim());
    if (rec.length < 3 || !rec[0] || !rec[1]) throw new Error(`token file line ${i + 1}: want token,user,uid[,groups]`);
    const groups = rec.length > 3 ? rec[3]!.split(',').map((g) => g.trim()).filter(Boolean) : [];
    if (users.has(rec[0])) throw new Error(`token file line ${i + 1}: duplicate token`);
    users.set(rec[0], { username: rec[1], uid: rec[2] || undefined, groups });
  });
  return users;
}

/** Authenticates `Authorization: Bearer <token>` against a static token table. */
export class TokenFileAuthenticator implements Authenticator {
  constructor(private readonly users: Map<string, UserInfo>) {}

  static fromFile(file: string): TokenFileAuthenticator {
    return new TokenFileAuthenticator(parseTokenFile(fs.readFileSync(file, 'utf8')));
  }

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const token = bearerToken(req);
    return token ? this.lookup(token) : undefined;
  }

  private lookup(token: string): UserInfo | undefined {
    const u = this.users.get(token);
    return u ? { ...u, groups: [...u.groups] } : undefined;
  }

  /**
   * The table as a TokenReview reviewer. Static tokens carry no audience, so (as upstream's
   * audience-agnostic wrapper) they are valid for the apiserver's own audiences: a review naming
   * none of them is refused, and the reply lists the audiences both sides share.
   */
  reviewer(apiAudiences: string[]): TokenAuthenticator {
    return {
      authenticateToken: async (token, audiences) => {
        const user = this.lookup(token);
        if (!user) return undefined;
        const shared = audiences?.length ? audiences.filter((a) => apiAudiences.includes(a)) : apiAudiences;
        if (audiences?.length && !shared.length) return { error: `token audiences ${JSON.stringify(apiAudiences)} is invalid for the target audiences ${JSON.stringify(audiences)}` };
        return { user, audiences: shared };
      },
    };
  }
}
