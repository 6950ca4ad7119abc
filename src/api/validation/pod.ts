// Pod and PodSpec validation (upstream core/validation ValidatePod, ValidatePodSpec,
// ValidatePodUpdate): containers, ports, env, probes, volumes and mounts, policies, tolerations.
import { type FieldError, Path, duplicate, forbidden, invalid, notFound, notSupported, required, typeInvalid } from './errors.js';
import { arr, deepEqual, isInt, isObj, obj, str, clone } from './json.js';
import { isQualifiedName, validateLabels } from './labels.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import {
  validateEnum,
  validateNonnegative,
  validatePortNum,
  validatePortNumOrName,
  validateProtocol,
  isValidPortName,
} from './common.js';
import { validateResourceRequirements } from './pod-resources.js';
import { validateAffinity, validateTopologySpreadConstraints } from './pod-scheduling.js';

export const restartPolicies = ['Always', 'OnFailure', 'Never'] as const;
export const dnsPolicies = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'] as const;
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];
const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile',
  'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume',
  'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];
const handlerTypes = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;

/** Upstream relaxed env var name rule (printable ASCII except '='). */
export function isEnvVarName(name: string): string[] {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name)
    ? []
    : ["a valid environment variable name must consist only of printable ASCII characters other than '='"];
}

function validateEnv(env: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((e, i) => {
    const ev = obj(e);
    const p = fld.index(i);
    const name = str(ev.name) ?? '';
    if (!name) errs.push(required(p.child('name'), ''));
    else for (const m of isEnvVarName(name)) errs.push(invalid(p.child('name'), name, m));
    if (ev.valueFrom !== undefined && ev.valueFrom !== null) {
      const vf = obj(ev.valueFrom);
      const n = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter((k) => vf[k] !== undefined && vf[k] !== null).length;
      if (str(ev.value)) errs.push(invalid(p.child('valueFrom'), '', 'may not be specified when `value` is not empty'));
      if (n === 0) errs.push(invalid(p.child('valueFrom'), '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      else if (n > 1) errs.push(invalid(p.child('valueFrom'), '', 'may not have more than one field specified at a time'));
      for (const k of ['configMapKeyRef', 'secretKeyRef']) {
        if (vf[k] === undefined) continue;
        const key = str(obj(vf[k]).key) ?? '';
        if (!key) errs.push(required(p.child('valueFrom', k, 'key'), ''));
      }
      if (vf.fieldRef !== undefined && !str(obj(vf.fieldRef).fieldPath)) errs.push(required(p.child('valueFrom', 'fieldRef', 'fieldPath'), ''));
      if (vf.resourceFieldRef !== undefined && !str(obj(vf.resourceFieldRef).resource)) errs.push(required(p.child('valueFrom', 'resourceFieldRef', 'resource'), ''));
    }
  });
  return errs;
}

function validateHandler(h: Record<string, unknown>, fld: Path, types: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const set = types.filter((t) => h[t] !== undefined && h[t] !== null);
  if (set.length === 0) return [required(fld, 'must specify a handler type')];
  for (const t of set.slice(1)) errs.push(forbidden(fld.child(t), 'may not specify more than 1 handler type'));
  if (h.exec !== undefined && arr(obj(h.exec).command).length === 0) errs.push(required(fld.child('exec', 'command'), ''));
  if (h.httpGet !== undefined) {
    const g = obj(h.httpGet);
    errs.push(...validatePortNumOrName(g.port, fld.child('httpGet', 'port')));
    errs.push(...validateEnum(g.scheme, ['HTTP', 'HTTPS'], fld.child('httpGet', 'scheme')));
  }
  if (h.tcpSocket !== undefined) errs.push(...validatePortNumOrName(obj(h.tcpSocket).port, fld.child('tcpSocket', 'port')));
  if (h.grpc !== undefined) errs.push(...validatePortNum(obj(h.grpc).port, fld.child('grpc', 'port')));
  if (h.sleep !== undefined) errs.push(...validateNonnegative(obj(h.sleep).seconds, fld.child('sleep', 'seconds')));
  return errs;
}

function validateProbe(probe: unknown, fld: Path, mustBeOne: boolean): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const p = obj(probe);
  const errs = validateHandler(p, fld, handlerTypes);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegative(p[k], fld.child(k)));
  }
  if (mustBeOne && p.successThreshold !== undefined && p.successThreshold !== 1) errs.push(invalid(fld.child('successThreshold'), p.successThreshold, 'must be 1'));
  if (p.terminationGracePeriodSeconds !== undefined && (!isInt(p.terminationGracePeriodSeconds) || p.terminationGracePeriodSeconds <= 0))
    errs.push(invalid(fld.child('terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must be greater than 0'));
  return errs;
}

function validateContainerPorts(ports: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((x, i) => {
    const port = obj(x);
    const p = fld.index(i);
    const name = str(port.name);
    if (name) {
      for (const m of isValidPortName(name)) errs.push(invalid(p.child('name'), name, m));
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      names.add(name);
    }
    if (port.containerPort === undefined || port.containerPort === 0) errs.push(required(p.child('containerPort'), ''));
    else errs.push(...validatePortNum(port.containerPort, p.child('containerPort')));
    if (port.hostPort !== undefined && port.hostPort !== 0) errs.push(...validatePortNum(port.hostPort, p.child('hostPort')));
    errs.push(...validateProtocol(port.protocol, p.child('protocol')));
  });
  return errs;
}

type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

function validateContainer(c: Record<string, unknown>, kind: ContainerKind, volumes: Set<string>, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name) ?? '';
  if (!name) errs.push(required(fld.child('name'), ''));
  else for (const m of isDNS1123Label(name)) errs.push(invalid(fld.child('name'), name, m));
  if (!str(c.image)) errs.push(required(fld.child('image'), ''));
  else if (str(c.image)!.trim() !== c.image) errs.push(invalid(fld.child('image'), c.image, 'must not have leading or trailing whitespace'));
  errs.push(...validateContainerPorts(c.ports, fld.child('ports')));
  errs.push(...validateEnv(c.env, fld.child('env')));
  arr(c.envFrom).forEach((e, i) => {
    const ef = obj(e);
    const n = ['configMapRef', 'secretRef'].filter((k) => ef[k] !== undefined).length;
    if (n === 0) errs.push(invalid(fld.child('envFrom').index(i), '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(fld.child('envFrom').index(i), '', 'may not have more than one field specified at a time'));
  });
  errs.push(...validateResourceRequirements(c.resources, fld.child('resources')));
  errs.push(...validateEnum(c.imagePullPolicy, pullPolicies, fld.child('imagePullPolicy'), true));
  errs.push(...validateEnum(c.terminationMessagePolicy, terminationMessagePolicies, fld.child('terminationMessagePolicy'), true));
  // Volume mounts: each references an existing volume, mount paths unique.
  const mountPaths = new Set<string>();
  arr(c.volumeMounts).forEach((m, i) => {
    const vm = obj(m);
    const p = fld.child('volumeMounts').index(i);
    const vname = str(vm.name) ?? '';
    if (!vname) errs.push(required(p.child('name'), ''));
    else if (!volumes.has(vname)) errs.push(notFound(p.child('name'), vname));
    const mp = str(vm.mountPath) ?? '';
    if (!mp) errs.push(required(p.child('mountPath'), ''));
    else if (mountPaths.has(mp)) errs.push(invalid(p.child('mountPath'), mp, 'must be unique'));
    mountPaths.add(mp);
    if (vm.subPath !== undefined && vm.subPathExpr !== undefined) errs.push(invalid(p.child('subPathExpr'), vm.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
  });
  // Probes and lifecycle: regular init containers and ephemeral containers may not have them.
  const sidecar = kind === 'initContainers' && c.restartPolicy === 'Always';
  if (kind === 'containers' || sidecar) {
    errs.push(...validateProbe(c.livenessProbe, fld.child('livenessProbe'), true));
    errs.push(...validateProbe(c.readinessProbe, fld.child('readinessProbe'), false));
    errs.push(...validateProbe(c.startupProbe, fld.child('startupProbe'), true));
  } else {
    const why = kind === 'initContainers' ? 'may not be set for init containers without restartPolicy=Always' : 'may not be set for ephemeral containers';
    for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (c[k] !== undefined && c[k] !== null) errs.push(forbidden(fld.child(k), why));
  }
  if (kind === 'containers' && c.restartPolicy !== undefined) errs.push(forbidden(fld.child('restartPolicy'), 'may not be set for non-init containers'));
  if (kind === 'initContainers' && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') errs.push(notSupported(fld.child('restartPolicy'), c.restartPolicy, ['Always']));
  const lc = obj(c.lifecycle);
  for (const k of ['postStart', 'preStop']) if (lc[k] !== undefined) errs.push(...validateHandler(obj(lc[k]), fld.child('lifecycle', k), ['exec', 'httpGet', 'tcpSocket', 'sleep']));
  return errs;
}

function validateVolumes(volumes: unknown, fld: Path): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((x, i) => {
    const v = obj(x);
    const p = fld.index(i);
    const name = str(v.name) ?? '';
    if (!name) errs.push(required(p.child('name'), ''));
    else {
      for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, m));
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
    }
    names.add(name);
    const sources = volumeSources.filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) errs.push(required(p, 'must specify a volume type'));
    for (const s of sources.slice(1)) errs.push(forbidden(p.child(s), 'may not specify more than 1 volume type'));
    if (v.hostPath !== undefined) {
      const hp = obj(v.hostPath);
      if (!str(hp.path)) errs.push(required(p.child('hostPath', 'path'), ''));
      errs.push(...validateEnum(hp.type, ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'], p.child('hostPath', 'type')));
    }
    if (v.persistentVolumeClaim !== undefined && !str(obj(v.persistentVolumeClaim).claimName)) errs.push(required(p.child('persistentVolumeClaim', 'claimName'), ''));
    if (v.secret !== undefined) {
      const sn = str(obj(v.secret).secretName);
      if (!sn) errs.push(required(p.child('secret', 'secretName'), ''));
    }
    for (const s of ['configMap', 'secret', 'downwardAPI', 'projected']) {
      if (v[s] === undefined) continue;
      const mode = obj(v[s]).defaultMode;
      if (mode !== undefined && (!isInt(mode) || mode < 0 || mode > 0o777))
        errs.push(invalid(p.child(s, 'defaultMode'), mode, 'must be a number between 0 and 0777 (octal), both inclusive'));
      arr(obj(v[s]).items).forEach((it, j) => {
        const item = obj(it);
        const ip = p.child(s, 'items').index(j);
        if (s !== 'downwardAPI' && !str(item.key)) errs.push(required(ip.child('key'), ''));
        const ipath = str(item.path) ?? '';
        if (!ipath) errs.push(required(ip.child('path'), ''));
        else if (ipath.startsWith('/')) errs.push(invalid(ip.child('path'), ipath, 'must be a relative path'));
        else if (ipath.split('/').includes('..')) errs.push(invalid(ip.child('path'), ipath, "must not contain '..'"));
      });
    }
    if (v.emptyDir !== undefined) errs.push(...validateEnum(obj(v.emptyDir).medium, ['', 'Memory', 'HugePages'], p.child('emptyDir', 'medium')));
  });
  return { errs, names };
}

function validateTolerations(tols: unknown, fld: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(tols).forEach((x, i) => {
    const t = obj(x);
    const p = fld.index(i);
    const key = str(t.key) ?? '';
    if (key) for (const m of isQualifiedName(key)) errs.push(invalid(p.child('key'), key, m));
    const op = t.operator ?? 'Equal';
    if (!key && op !== 'Exists') errs.push(invalid(p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute')
      errs.push(invalid(p.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (op === 'Exists') {
      if (str(t.value)) errs.push(invalid(p.child('operator'), t.value, "value must be empty when `operator` is 'Exists'"));
    } else if (op !== 'Equal') {
      errs.push(notSupported(p.child('operator'), op, ['Equal', 'Exists']));
    }
    errs.push(...validateEnum(t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'], p.child('effect')));
  });
  return errs;
}

/** Validates a PodSpec at `fld` (used for pods and for workload templates). */
export function validatePodSpec(specIn: unknown, fld: Path): FieldError[] {
  if (!isObj(specIn)) return [required(fld, '')];
  const spec = specIn;
  const errs: FieldError[] = [];
  // 1. Volumes first: mounts refer to them.
  const vol = validateVolumes(spec.volumes, fld.child('volumes'));
  errs.push(...vol.errs);
  // 2. Containers: required, names unique across all container kinds.
  const containers = arr(spec.containers);
  if (containers.length === 0) errs.push(required(fld.child('containers'), ''));
  const names = new Set<string>();
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    arr(spec[kind]).forEach((c, i) => {
      const p = fld.child(kind).index(i);
      if (!isObj(c)) {
        errs.push(typeInvalid(p, c, 'expected object'));
        return;
      }
      errs.push(...validateContainer(c, kind, vol.names, p));
      const name = str(c.name);
      if (name) {
        if (names.has(name)) errs.push(duplicate(p.child('name'), name));
        names.add(name);
      }
    });
  }
  // 3. Policies and scalar fields.
  errs.push(...validateEnum(spec.restartPolicy, restartPolicies, fld.child('restartPolicy'), true));
  errs.push(...validateEnum(spec.dnsPolicy, dnsPolicies, fld.child('dnsPolicy'), true));
  if (spec.dnsPolicy === 'None' && !isObj(spec.dnsConfig)) errs.push(required(fld.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  errs.push(...validateNonnegative(spec.terminationGracePeriodSeconds, fld.child('terminationGracePeriodSeconds')));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (!isInt(v) || v < 1 || v > 2147483647) errs.push(invalid(fld.child('activeDeadlineSeconds'), v, 'must be between 1 and 2147483647, inclusive'));
  }
  errs.push(...validateLabels(spec.nodeSelector, fld.child('nodeSelector')));
  for (const k of ['serviceAccountName', 'nodeName', 'priorityClassName', 'schedulerName'] as const) {
    const v = str(spec[k]);
    if (v) for (const m of isDNS1123Subdomain(v)) errs.push(invalid(fld.child(k), v, m));
  }
  for (const k of ['hostname', 'subdomain'] as const) {
    const v = str(spec[k]);
    if (v) for (const m of isDNS1123Label(v)) errs.push(invalid(fld.child(k), v, m));
  }
  errs.push(...validateTolerations(spec.tolerations, fld.child('tolerations')));
  errs.push(...validateAffinity(spec.affinity, fld.child('affinity')));
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, fld.child('topologySpreadConstraints')));
  errs.push(...validateEnum(spec.preemptionPolicy, ['PreemptLowerPriority', 'Never'], fld.child('preemptionPolicy')));
  if (spec.hostNetwork === true) {
    containers.forEach((c, i) => {
      arr(obj(c).ports).forEach((pp, j) => {
        const port = obj(pp);
        if (port.hostPort !== undefined && port.hostPort !== 0 && port.hostPort !== port.containerPort)
          errs.push(invalid(fld.child('containers').index(i).child('ports').index(j).child('hostPort'), port.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      });
    });
  }
  return errs;
}

/** Validates a whole Pod's spec (metadata is validated by the caller). */
export function validatePod(pod: Record<string, unknown>): FieldError[] {
  return validatePodSpec(pod.spec, new Path('spec'));
}

const updatableFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** Pod updates: the spec is immutable except images, activeDeadlineSeconds, added tolerations, grace period. */
export function validatePodUpdate(pod: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const errs = validatePod(pod);
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const specPath = new Path('spec');
  // 1. activeDeadlineSeconds may be set or lowered, never raised or removed.
  const ads = spec.activeDeadlineSeconds;
  const oldAds = oldSpec.activeDeadlineSeconds;
  if (isInt(oldAds)) {
    if (ads === undefined || ads === null) errs.push(invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
    else if (isInt(ads) && ads > oldAds) errs.push(invalid(specPath.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value'));
  }
  // 2. Existing tolerations must remain (only tolerationSeconds of NoExecute ones may shrink).
  const newTols = arr(spec.tolerations);
  for (const ot of arr(oldSpec.tolerations)) {
    const found = newTols.some((nt) => {
      const a = { ...obj(nt) };
      const b = { ...obj(ot) };
      if (b.effect === 'NoExecute' && isInt(a.tolerationSeconds) && isInt(b.tolerationSeconds) && a.tolerationSeconds <= b.tolerationSeconds) {
        delete a.tolerationSeconds;
        delete b.tolerationSeconds;
      }
      return deepEqual(a, b);
    });
    if (!found) {
      errs.push(forbidden(specPath.child('tolerations'), 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  // 3. Everything else must be equal once the mutable fields are copied from the old spec.
  const masked = clone(spec);
  const cs = arr(masked.containers);
  const ocs = arr(oldSpec.containers);
  if (cs.length === ocs.length) cs.forEach((c, i) => isObj(c) && (c.image = obj(ocs[i]).image));
  const ics = arr(masked.initContainers);
  const oics = arr(oldSpec.initContainers);
  if (ics.length === oics.length) ics.forEach((c, i) => isObj(c) && (c.image = obj(oics[i]).image));
  masked.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  masked.tolerations = oldSpec.tolerations;
  const ogp = oldSpec.terminationGracePeriodSeconds;
  if (isInt(ogp) && ogp < 0 && masked.terminationGracePeriodSeconds === 1) masked.terminationGracePeriodSeconds = ogp;
  for (const k of Object.keys(masked)) if (masked[k] === undefined) delete masked[k];
  if (!deepEqual(masked, oldSpec)) {
    errs.push(forbidden(specPath, `pod updates may not change fields other than ${updatableFields.join(',')}`));
  }
  return errs;
}
