// Parses a request path + method into what it addresses (pure), like upstream RequestInfoFactory.

export interface RequestInfo {
  /** false for /healthz, /version, /openapi, discovery roots, etc. */
  isResourceRequest: boolean;
  path: string;
  verb: string;
  apiPrefix?: 'api' | 'apis';
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** Path segments after /api or /apis, for discovery routing. */
  parts: string[];
}

const methodVerb: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', GET: 'get', HEAD: 'get', DELETE: 'delete' };

/**
 * 1. split the path; 2. take api prefix, group, version; 3. namespace segment;
 * 4. resource, name, subresource; 5. derive list/watch/deletecollection verbs.
 */
export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const segs = path.split('/').filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
  const info: RequestInfo = { isResourceRequest: false, path, verb: (methodVerb[method] ?? method.toLowerCase()), group: '', version: '', resource: '', parts: segs };
  if (segs[0] !== 'api' && segs[0] !== 'apis') return info;
  info.apiPrefix = segs[0];
  let rest = segs.slice(1);
  if (info.apiPrefix === 'api') {
    if (rest.length < 1) return info;
    info.version = rest[0]!;
    rest = rest.slice(1);
  } else {
    if (rest.length < 2) return info;
    info.group = rest[0]!;
    info.version = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length === 0) return info;
  info.isResourceRequest = true;
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    info.namespace = rest[1];
    if (rest.length === 2) {
      info.resource = 'namespaces';
      info.name = rest[1];
      info.namespace = undefined;
      rest = [];
    } else if (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize')) {
      info.resource = 'namespaces';
      info.name = rest[1];
      info.subresource = rest[2];
      info.namespace = undefined;
      rest = [];
    } else {
      rest = rest.slice(2);
    }
  }
  if (rest.length > 0) {
    info.resource = rest[0]!;
    if (rest.length > 1) info.name = rest[1];
    // A proxy subresource is followed by the backend's path (upstream takes parts[2] alone).
    if (rest.length > 2) info.subresource = rest[2] === 'proxy' ? 'proxy' : rest.slice(2).join('/');
  }
  const isWatch = info.subresource !== 'proxy' && (legacyWatch || query.get('watch') === 'true' || query.get('watch') === '1');
  if (info.verb === 'get' && info.name === undefined) info.verb = isWatch ? 'watch' : 'list';
  else if (info.verb === 'get' && isWatch) info.verb = 'watch';
  if (info.verb === 'delete' && info.name === undefined) info.verb = 'deletecollection';
  return info;
}
