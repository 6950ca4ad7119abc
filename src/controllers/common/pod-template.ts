// Building a pod from a controller's template (upstream GetPodFromTemplate).
import type { OwnerReference, Pod, PodTemplateSpec } from '../../api/types/index.js';

/** Options: the name prefix for generateName or an explicit name, extra labels, the controller ref. */
export interface PodFromTemplateOptions {
  namespace: string;
  generateName?: string;
  name?: string;
  controllerRef?: OwnerReference;
  extraLabels?: Record<string, string>;
  extraAnnotations?: Record<string, string>;
}

/** Deep-copies the template into a new Pod (no status); labels/annotations/finalizers come from the template. */
export function podFromTemplate(template: PodTemplateSpec, opts: PodFromTemplateOptions): Pod {
  const t = structuredClone(template);
  const md = t.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: opts.namespace,
      labels: { ...(md.labels ?? {}), ...(opts.extraLabels ?? {}) },
      annotations: { ...(md.annotations ?? {}), ...(opts.extraAnnotations ?? {}) },
    },
    spec: t.spec,
  };
  if (opts.name) pod.metadata.name = opts.name;
  else pod.metadata.generateName = opts.generateName;
  if (md.finalizers?.length) pod.metadata.finalizers = [...md.finalizers];
  if (opts.controllerRef) pod.metadata.ownerReferences = [opts.controllerRef];
  if (Object.keys(pod.metadata.annotations!).length === 0) delete pod.metadata.annotations;
  return pod;
}

/** Upstream's generateName prefix: "<owner>-" (truncated so the whole name fits 63 chars with a suffix). */
export function generateNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return prefix.length > 58 ? prefix.slice(0, 58) : prefix;
}
