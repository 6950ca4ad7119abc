// Fuzzing the apiserver: random and mutated bodies (seeded, so a failure replays with the printed
// seed) against every resource endpoint and verb for a bounded time. Every answer must be a
// non-5xx response and the server must stay alive. (The fixed hostile inputs — 413, alias bombs,
// deep nesting, 429 — are in apiserver-crud.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startApiServer, startEtcd, type ApiServerFixture, type EtcdFixture } from '../helpers/cluster.js';
import { req } from '../helpers/http.js';
import { signingKeyFromPem } from '../../src/apiserver/serviceaccount/jwt.js';
import { RESOURCES, VIRTUAL_RESOURCES, groupVersion, type ResourceInfo } from '../../src/apiserver/registry/resources.js';

const SEED = Number(process.env.KUBETS_FUZZ_SEED ?? 20261201);
const BUDGET_MS = Number(process.env.KUBETS_FUZZ_MS ?? 30_000);

let etcd: EtcdFixture;
let api: ApiServerFixture;

/** mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

before(async () => {
  etcd = await startEtcd();
  const key = signingKeyFromPem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  api = await startApiServer({ etcd, disableAdmissionPlugins: [], serviceAccountTokens: { signingKey: key, issuers: ['https://kubernetes.default.svc.cluster.local'] } });
  await req(api.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'fuzz' } });
  await req(api.url, 'POST', '/api/v1/namespaces/fuzz/serviceaccounts', { metadata: { name: 'default' } });
});
after(async () => {
  await api?.stop();
  await etcd?.stop();
});

test(`fuzz: random and mutated bodies on every endpoint never give 5xx (seed ${SEED})`, { timeout: BUDGET_MS + 120_000 }, async () => {
  const r = rng(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (n: number) => Math.floor(r() * n);
  const str = () => pick(['', 'a', 'x'.repeat(int(300)), 'ñ€😀\u0000', '../../etc', 'UPPER', '-bad-', '1e400', 'null', String(int(1e6)), 'a.b/c', ' ']);
  const scalar = (): unknown => pick([null, true, false, 0, -1, 1.5, 2 ** 63, Number.MAX_SAFE_INTEGER, str(), str(), [], {}]);
  const value = (depth: number): unknown => {
    if (depth > 4 || r() < 0.4) return scalar();
    if (r() < 0.5) return Array.from({ length: int(4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = int(5); i > 0; i--) o[pick(['metadata', 'spec', 'status', 'data', 'name', 'items', 'containers', 'kind', 'apiVersion', str()])] = value(depth + 1);
    return o;
  };
  const valid = (ri: ResourceInfo, name: string): Record<string, unknown> => {
    const base: Record<string, unknown> = { apiVersion: groupVersion(ri), kind: ri.kind, metadata: { name, labels: { fuzz: 'yes' } } };
    if (ri.resource === 'pods') base.spec = { containers: [{ name: 'c', image: 'i' }] };
    if (ri.resource === 'configmaps') base.data = { a: 'b' };
    if (ri.resource === 'services') base.spec = { ports: [{ port: 80 }] };
    if (ri.resource === 'deployments' || ri.resource === 'replicasets') base.spec = { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } };
    if (ri.resource === 'tokenrequests' || ri.resource === 'serviceaccounts') base.spec = { expirationSeconds: 3600 };
    return base;
  };
  /** Replaces, deletes or retypes a random path of the object. */
  const mutate = (o: unknown): unknown => {
    if (o === null || typeof o !== 'object') return r() < 0.5 ? scalar() : o;
    const copy = (Array.isArray(o) ? [...o] : { ...(o as object) }) as Record<string, unknown>;
    const keys = Object.keys(copy);
    if (!keys.length) return value(2);
    const k = pick(keys);
    const roll = r();
    if (roll < 0.25) delete copy[k];
    else if (roll < 0.5) copy[k] = scalar();
    else if (roll < 0.6) copy[k] = value(0);
    else copy[k] = mutate(copy[k]);
    return copy;
  };
  const body = (ri: ResourceInfo, name: string): { data: string | Uint8Array; type: string } => {
    const roll = r();
    if (roll < 0.1) return { data: new Uint8Array(Array.from({ length: int(200) }, () => int(256))), type: pick(['application/json', 'application/vnd.kubernetes.protobuf', 'application/yaml']) };
    if (roll < 0.2) return { data: JSON.stringify(value(0)), type: 'application/json' };
    if (roll < 0.25) return { data: '{'.repeat(int(2000)), type: 'application/json' };
    if (roll < 0.3) return { data: `k8s\u0000${str()}`, type: 'application/vnd.kubernetes.protobuf' };
    let obj: unknown = valid(ri, name);
    for (let i = 1 + int(3); i > 0; i--) obj = mutate(obj);
    if (r() < 0.15) return { data: JSON.stringify(obj).slice(0, int(60)), type: 'application/json' };
    return { data: JSON.stringify(obj), type: pick(['application/json', 'application/json', 'application/yaml', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml']) };
  };
  const all = [...RESOURCES, ...VIRTUAL_RESOURCES];
  const failures: string[] = [];
  const counts = new Map<number, number>();
  const deadline = Date.now() + BUDGET_MS;
  let n = 0;
  const one = async () => {
    const ri = pick(all);
    const name = pick(['f1', 'f2', 'f3', str().slice(0, 20)]);
    const prefix = ri.group ? `/apis/${ri.group}/${ri.version}` : `/api/${ri.version}`;
    const coll = ri.namespaced ? `${prefix}/namespaces/${pick(['fuzz', 'fuzz', 'missing-ns'])}/${ri.resource}` : `${prefix}/${ri.resource}`;
    const sub = ri.subresources.length && r() < 0.3 ? pick(ri.subresources).name : undefined;
    // pods/log proxies to a kubelet (none here): its 5xx-free behaviour is the log proxy's own test.
    if (sub === 'log') return;
    const item = `${coll}/${encodeURIComponent(name)}${sub ? `/${sub}` : ''}`;
    const method = pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'POST']);
    const target = method === 'POST' && !sub ? coll : method === 'GET' && r() < 0.3 ? `${coll}?${pick(['labelSelector=a%3D%3D%3D', 'fieldSelector=metadata.name%3Dx', 'limit=-1', 'limit=2&continue=zzz', 'resourceVersion=abc', 'resourceVersionMatch=Exact', 'labelSelector=fuzz%3Dyes'])}` : item;
    const q = pick(['', '', '?dryRun=All', '?fieldManager=fz', '?fieldValidation=Strict', '?gracePeriodSeconds=x', '?propagationPolicy=Wrong']);
    const b = method === 'GET' ? undefined : body(ri, name);
    const url = target + (target.includes('?') ? q.replace('?', '&') : q);
    let status: number;
    try {
      const res = await req(api.url, method, url, b?.data, b ? { 'Content-Type': b.type } : {});
      status = res.status;
    } catch (err) {
      failures.push(`${method} ${url}: ${(err as Error).message}`);
      return;
    }
    n++;
    counts.set(status, (counts.get(status) ?? 0) + 1);
    // A proxy subresource with no backend (no endpoints, no kubelet here) is 503, as upstream.
    const noBackend = sub === 'proxy' && status === 503;
    if (status >= 500 && !noBackend) failures.push(`${method} ${url} [${b?.type}] ${typeof b?.data === 'string' ? b.data.slice(0, 200) : '<bytes>'} → ${status}`);
  };
  while (Date.now() < deadline && failures.length < 5) {
    await Promise.all([one(), one(), one(), one()]);
    if (n % 200 < 4) assert.equal((await req(api.url, 'GET', '/livez')).status, 200);
  }
  assert.equal((await req(api.url, 'GET', '/livez')).status, 200);
  assert.equal((await req(api.url, 'GET', '/api/v1/namespaces/fuzz')).status, 200);
  console.log(`fuzz: ${n} requests, statuses ${JSON.stringify(Object.fromEntries([...counts].sort()))}`);
  assert.deepEqual(failures, [], `seed ${SEED}`);
  assert.ok(n > 100, 'the fuzzer ran');
});
