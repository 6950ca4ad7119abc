// User impersonation (`Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` headers, as
// `kubectl --as/--as-group`): the requester needs the `impersonate` verb on `users`,
// `serviceaccounts` (for system:serviceaccount:ns:name), `groups` and `uids`; the request then
// runs as the impersonated user, who joins system:authenticated.
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../admission/interface.js';
import type { Authorizer } from '../auth.js';
import type { AuthzAttributes } from '../authz/rules.js';
import { errors } from '../errors.js';

function headerList(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean);
}

const check = (verbResource: string, name: string, namespace?: string): AuthzAttributes => ({ verb: 'impersonate', isResourceRequest: true, path: '', apiGroup: '', resource: verbResource, name, namespace });

/** The user to run as: `user` itself without impersonation headers; throws 403 when not allowed. */
export async function impersonate(req: IncomingMessage, user: UserInfo, authz: Authorizer): Promise<UserInfo> {
  const name = headerList(req, 'impersonate-user')[0];
  const groups = headerList(req, 'impersonate-group');
  const uid = headerList(req, 'impersonate-uid')[0];
  if (!name) {
    if (groups.length || uid) throw errors.badRequest('requested impersonation of groups or uid without impersonating a user');
    return user;
  }
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  const wanted: AuthzAttributes[] = [sa ? check('serviceaccounts', sa[2]!, sa[1]) : check('users', name), ...groups.map((g) => check('groups', g))];
  if (uid) wanted.push({ ...check('uids', uid), apiGroup: 'authentication.k8s.io' });
  for (const a of wanted) {
    if (!(await authz.authorize(user, a)).allowed) {
      throw errors.forbidden({ group: a.apiGroup, resource: a.resource }, a.name ?? '', `User "${user.username}" cannot impersonate resource "${a.resource}" in API group "${a.apiGroup}"${a.namespace ? ` in the namespace "${a.namespace}"` : ' at the cluster scope'}`);
    }
  }
  const implicit = sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : [];
  const all = [...new Set([...groups, ...implicit])];
  if (!all.includes('system:authenticated') && name !== 'system:anonymous') all.push('system:authenticated');
  return { username: name, uid, groups: all };
}
