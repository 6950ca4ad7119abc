// /healthz, /livez and /readyz as upstream answers them: "ok", or with `?verbose` one line per
// check ("[+]etcd ok") and a verdict; `/readyz/<check>` runs one check; `?exclude=<check>` skips one.

/** One named check's outcome. */
export interface HealthCheck {
  name: string;
  ok: boolean;
}

/** The answer for a health endpoint: status code and plain-text body. */
export interface HealthAnswer {
  code: number;
  body: string;
}

/**
 * Renders `endpoint` ("healthz" | "livez" | "readyz") for `checks`.
 * Steps: 1. a single check path (`only`) answers that check or 404; 2. excluded checks drop out;
 * 3. all passing and not verbose → "ok"; 4. otherwise one line per check and the verdict
 * (failures print "reason withheld", as upstream does to clients).
 */
export function renderHealth(endpoint: string, checks: HealthCheck[], q: URLSearchParams, only?: string): HealthAnswer {
  // 1. one check
  if (only !== undefined) {
    const c = checks.find((x) => x.name === only);
    if (!c) return { code: 404, body: '404 page not found\n' };
    return c.ok ? { code: 200, body: 'ok' } : { code: 500, body: `internal server error: ${c.name} check failed\n` };
  }
  // 2. exclusions
  const excluded = new Set(q.getAll('exclude'));
  const run = checks.filter((c) => !excluded.has(c.name));
  const failed = run.some((c) => !c.ok);
  // 3. the short answer
  if (!failed && !q.has('verbose')) return { code: 200, body: 'ok' };
  // 4. the long answer
  const lines = run.map((c) => (c.ok ? `[+]${c.name} ok` : `[-]${c.name} failed: reason withheld`));
  for (const name of excluded) if (checks.some((c) => c.name === name)) lines.push(`[+]${name} excluded: ok`);
  lines.push(failed ? `${endpoint} check failed` : `${endpoint} check passed`);
  return { code: failed ? 500 : 200, body: `${lines.join('\n')}\n` };
}
