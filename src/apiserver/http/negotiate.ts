// Content negotiation for responses: plain JSON, server-side Table, or metadata only.

export type OutputForm = 'object' | 'table' | 'metadata';

/** Reads the first acceptable form from an Accept header, as upstream's negotiation does. */
export function outputForm(accept: string | undefined): OutputForm | 'unsupported' {
  if (!accept) return 'object';
  let sawUnsupported = false;
  for (const raw of accept.split(',')) {
    const [type, ...params] = raw.split(';').map((s) => s.trim());
    const p = new Map(params.map((kv) => kv.split('=').map((s) => s.trim()) as [string, string]));
    const json = type === 'application/json' || type === '*/*' || type === 'application/*' || type === 'application/yaml';
    if (!json) {
      sawUnsupported = true;
      continue;
    }
    const as = p.get('as');
    if (!as) return 'object';
    if (as === 'Table' && (p.get('g') ?? 'meta.k8s.io') === 'meta.k8s.io') return 'table';
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && (p.get('g') ?? 'meta.k8s.io') === 'meta.k8s.io') return 'metadata';
    sawUnsupported = true;
  }
  return sawUnsupported ? 'unsupported' : 'object';
}

/** Whether the client asked for aggregated discovery (apidiscovery.k8s.io/v2). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  return !!accept && /as=APIGroupDiscoveryList/.test(accept) && /g=apidiscovery\.k8s\.io/.test(accept) && /v=v2(?![a-z0-9])/.test(accept);
}
