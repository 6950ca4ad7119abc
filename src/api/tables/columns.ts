// Column definitions and row builders per resource, as upstream printers (pure).
import type { Container, ContainerStatus, CronJob, DaemonSet, Deployment, EndpointSlice, Endpoints, Event, Job, KubeObject, LabelSelector, Lease, Namespace, Node, Pod, PriorityClass, ReplicaSet, Secret, Service, StatefulSet } from '../types/index.js';
import { age } from './duration.js';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  row(obj: KubeObject, now: number): (string | number | boolean)[];
}

const col = (name: string, type: ColumnDefinition['type'] = 'string', priority = 0, format = '', description = ''): ColumnDefinition => ({ name, type, format, description, priority });
const NAME = col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.');
const AGE = col('Age', 'string', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const ageOf = (o: KubeObject, now: number) => age(o.metadata.creationTimestamp, now);

function selectorString(ls: LabelSelector | undefined): string {
  if (!ls) return '<none>';
  const parts = Object.entries(ls.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  for (const e of ls.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${[...(e.values ?? [])].sort().join(',')})`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function mapSelector(m: Record<string, string> | undefined): string {
  const parts = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : '<none>';
}

const names = (cs: Container[] | undefined) => (cs ?? []).map((c) => c.name).join(',');
const images = (cs: Container[] | undefined) => (cs ?? []).map((c) => c.image ?? '').join(',');

/** Pod STATUS, READY and RESTARTS as upstream's printPod computes them. */
export function podStatus(pod: Pod, now: number): { reason: string; ready: number; total: number; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const st = pod.status ?? {};
  let restarts = 0;
  let sidecarRestarts = 0;
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let reason: string = st.phase ?? '';
  if (st.reason) reason = st.reason;
  const finishedAt = (c: ContainerStatus) => Date.parse(c.lastState?.terminated?.finishedAt ?? '') || 0;
  // 1. Scheduling gates.
  for (const c of st.conditions ?? []) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  // 2. Init containers; restartable (sidecar) ones count as regular containers.
  const sidecars = new Set((spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  total += sidecars.size;
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    if (sidecars.has(c.name)) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(c));
    }
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (sidecars.has(c.name) && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (t) reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    else if (w?.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${(spec.initContainers ?? []).length}`;
    initializing = true;
    break;
  }
  // 3. Regular containers, last to first so the first container's reason wins.
  const initialized = (st.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const cs = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  // 4. Deletion: terminal pods keep their phase.
  const terminal = st.phase === 'Succeeded' || st.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';
  const restartStr = lastRestart && restarts ? `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  return { reason, ready, total, restarts: restartStr };
}

function servicePorts(s: Service): string {
  const ps = (s.spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`);
  return ps.length ? ps.join(',') : '<none>';
}

function externalIP(s: Service): string {
  const ext = s.spec.externalIPs ?? [];
  switch (s.spec.type) {
    case 'ExternalName':
      return s.spec.externalName ?? '<none>';
    case 'LoadBalancer': {
      const ing = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '');
      const all = [...ing, ...ext];
      return all.length ? all.join(',') : '<pending>';
    }
    default:
      return ext.length ? ext.join(',') : '<none>';
  }
}

function endpointsString(e: Endpoints): string {
  const all: string[] = [];
  for (const ss of e.subsets ?? []) {
    for (const a of ss.addresses ?? []) {
      if (!ss.ports?.length) all.push(a.ip);
      for (const p of ss.ports ?? []) all.push(`${a.ip}:${p.port}`);
    }
  }
  if (!all.length) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function nodeStatus(n: Node): string {
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready');
  let s = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  if (n.spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeRoles(n: Node): string {
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .concat(n.metadata.labels?.['kubernetes.io/role'] ? [n.metadata.labels['kubernetes.io/role']] : [])
    .filter(Boolean)
    .sort();
  return roles.length ? roles.join(',') : '<none>';
}

function jobStatus(j: Job): string {
  const conds = j.status?.conditions ?? [];
  const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (j.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  return 'Running';
}

function jobDuration(j: Job, now: number): string {
  const start = j.status?.startTime;
  if (!start) return '';
  const end = j.status?.completionTime;
  return age(start, end ? Date.parse(end) : now);
}

export const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [NAME, col('Ready', 'string', 0, '', 'The aggregate readiness state of this pod for accepting traffic.'), col('Status', 'string', 0, '', 'The aggregate status of the containers in this pod.'), col('Restarts', 'string', 0, '', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'), AGE, col('IP', 'string', 1, '', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'), col('Node', 'string', 1, '', 'NodeName is a request to schedule this pod onto a specific node.'), col('Nominated Node', 'string', 1, '', 'nominatedNodeName is set only when this pod preempts other pods on the node.'), col('Readiness Gates', 'string', 1, '', 'If specified, all readiness gates will be evaluated for pod readiness.')],
    row: (o, now) => {
      const p = o as Pod;
      const s = podStatus(p, now);
      const gates = p.spec.readinessGates ?? [];
      const gateStr = gates.length ? `${gates.filter((g) => (p.status?.conditions ?? []).some((c) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}` : '<none>';
      return [p.metadata.name!, `${s.ready}/${s.total}`, s.reason, s.restarts, ageOf(o, now), p.status?.podIPs?.[0]?.ip || p.status?.podIP || '<none>', p.spec.nodeName || '<none>', p.status?.nominatedNodeName || '<none>', gateStr];
    },
  },
  deployments: {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o, now) => {
      const d = o as Deployment;
      return [d.metadata.name!, `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 0}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, ageOf(o, now), names(d.spec.template.spec.containers), images(d.spec.template.spec.containers), selectorString(d.spec.selector)];
    },
  },
  replicasets: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o, now) => {
      const r = o as ReplicaSet;
      return [r.metadata.name!, r.spec.replicas ?? 0, r.status?.replicas ?? 0, r.status?.readyReplicas ?? 0, ageOf(o, now), names(r.spec.template?.spec.containers), images(r.spec.template?.spec.containers), selectorString(r.spec.selector)];
    },
  },
  statefulsets: {
    columns: [NAME, col('Ready'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1)],
    row: (o, now) => {
      const s = o as StatefulSet;
      return [s.metadata.name!, `${s.status?.readyReplicas ?? 0}/${s.spec.replicas ?? 0}`, ageOf(o, now), names(s.spec.template.spec.containers), images(s.spec.template.spec.containers)];
    },
  },
  daemonsets: {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o, now) => {
      const d = o as DaemonSet;
      const st = d.status;
      return [d.metadata.name!, st?.desiredNumberScheduled ?? 0, st?.currentNumberScheduled ?? 0, st?.numberReady ?? 0, st?.updatedNumberScheduled ?? 0, st?.numberAvailable ?? 0, mapSelector(d.spec.template.spec.nodeSelector), ageOf(o, now), names(d.spec.template.spec.containers), images(d.spec.template.spec.containers), selectorString(d.spec.selector)];
    },
  },
  services: {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    row: (o, now) => {
      const s = o as Service;
      return [s.metadata.name!, s.spec.type ?? 'ClusterIP', s.spec.clusterIP || '<none>', externalIP(s), servicePorts(s), ageOf(o, now), mapSelector(s.spec.selector)];
    },
  },
  endpoints: {
    columns: [NAME, col('Endpoints'), AGE],
    row: (o, now) => [o.metadata.name!, endpointsString(o as Endpoints), ageOf(o, now)],
  },
  endpointslices: {
    columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE],
    row: (o, now) => {
      const e = o as EndpointSlice;
      const ports = (e.ports ?? []).map((p) => String(p.port ?? '')).join(',') || '<unset>';
      const addrs = e.endpoints.flatMap((x) => x.addresses);
      const eps = addrs.length ? (addrs.length > 3 ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...` : addrs.join(',')) : '<unset>';
      return [e.metadata.name!, e.addressType, ports, eps, ageOf(o, now)];
    },
  },
  nodes: {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    row: (o, now) => {
      const n = o as Node;
      const addr = (t: string) => (n.status?.addresses ?? []).find((a) => a.type === t)?.address ?? '<none>';
      const info = n.status?.nodeInfo;
      return [n.metadata.name!, nodeStatus(n), nodeRoles(n), ageOf(o, now), info?.kubeletVersion ?? '', addr('InternalIP'), addr('ExternalIP'), info?.osImage ?? '<unknown>', info?.kernelVersion ?? '<unknown>', info?.containerRuntimeVersion ?? '<unknown>'];
    },
  },
  namespaces: {
    columns: [NAME, col('Status'), AGE],
    row: (o, now) => [o.metadata.name!, (o as Namespace).status?.phase ?? 'Active', ageOf(o, now)],
  },
  events: {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'integer', 1), col('Name', 'string', 1, 'name')],
    row: (o, now) => {
      const e = o as Event;
      const last = e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      const first = e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      const obj = `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`;
      const src = e.source?.component ? `${e.source.component}${e.source.host ? `, ${e.source.host}` : ''}` : e.reportingComponent ?? '';
      return [age(last, now), e.type ?? '', e.reason ?? '', obj, e.involvedObject.fieldPath ?? '', src, (e.message ?? '').trim(), age(first, now), e.count ?? 1, e.metadata.name!];
    },
  },
  jobs: {
    columns: [NAME, col('Status'), col('Completions'), col('Duration'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o, now) => {
      const j = o as Job;
      const succeeded = j.status?.succeeded ?? 0;
      const par = j.spec.parallelism ?? 0;
      const completions = j.spec.completions !== undefined ? `${succeeded}/${j.spec.completions}` : par > 1 ? `${succeeded}/1 of ${par}` : `${succeeded}/1`;
      return [j.metadata.name!, jobStatus(j), completions, jobDuration(j, now), ageOf(o, now), names(j.spec.template.spec.containers), images(j.spec.template.spec.containers), selectorString(j.spec.selector)];
    },
  },
  cronjobs: {
    columns: [NAME, col('Schedule'), col('Timezone'), col('Suspend', 'boolean'), col('Active', 'integer'), col('Last Schedule'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    row: (o, now) => {
      const c = o as CronJob;
      const t = c.spec.jobTemplate.spec.template.spec.containers;
      return [c.metadata.name!, c.spec.schedule, c.spec.timeZone ?? '<none>', c.spec.suspend === undefined ? '<unset>' : c.spec.suspend ? 'True' : 'False', c.status?.active?.length ?? 0, c.status?.lastScheduleTime ? age(c.status.lastScheduleTime, now) : '<none>', ageOf(o, now), names(t), images(t), selectorString(c.spec.jobTemplate.spec.selector)];
    },
  },
  configmaps: {
    columns: [NAME, col('Data', 'integer'), AGE],
    row: (o, now) => [o.metadata.name!, Object.keys((o.data as object | undefined) ?? {}).length + Object.keys((o.binaryData as object | undefined) ?? {}).length, ageOf(o, now)],
  },
  secrets: {
    columns: [NAME, col('Type'), col('Data', 'integer'), AGE],
    row: (o, now) => [o.metadata.name!, (o as Secret).type ?? 'Opaque', Object.keys((o as Secret).data ?? {}).length, ageOf(o, now)],
  },
  serviceaccounts: {
    columns: [NAME, col('Secrets', 'integer'), AGE],
    row: (o, now) => [o.metadata.name!, ((o.secrets as unknown[] | undefined) ?? []).length, ageOf(o, now)],
  },
  leases: {
    columns: [NAME, col('Holder'), AGE],
    row: (o, now) => [o.metadata.name!, (o as Lease).spec?.holderIdentity ?? '', ageOf(o, now)],
  },
  priorityclasses: {
    columns: [NAME, col('Value', 'integer'), col('Global-Default', 'boolean'), AGE, col('PreemptionPolicy')],
    row: (o, now) => {
      const p = o as PriorityClass;
      return [p.metadata.name!, p.value, p.globalDefault ?? false, ageOf(o, now), p.preemptionPolicy ?? 'PreemptLowerPriority'];
    },
  },
};

export const DEFAULT_PRINTER: Printer = {
  columns: [NAME, col('Created At', 'date', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
  row: (o) => [o.metadata.name!, o.metadata.creationTimestamp ?? ''],
};
