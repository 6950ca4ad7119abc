// Service and Endpoints validation (upstream ValidateService / ValidateServiceUpdate / ValidateEndpoints).
import { isIP } from 'node:net';
import { type FieldError, Path, duplicate, forbidden, invalid, required } from './errors.js';
import { arr, isInt, obj, str } from './json.js';
import { validateLabels } from './labels.js';
import { isDNS1123Label, isDNS1123Subdomain } from './names.js';
import { validateEnum, validatePortNum, validatePortNumOrName, validateProtocol } from './common.js';

export const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;

function isHeadless(spec: Record<string, unknown>): boolean {
  return spec.clusterIP === 'None';
}

/** Validates a Service on create. */
export function validateService(svc: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj(svc.spec);
  const sp = new Path('spec');
  const type = spec.type ?? 'ClusterIP';
  // 1. type and its required companions.
  errs.push(...validateEnum(spec.type, serviceTypes, sp.child('type')));
  if (type === 'ExternalName') {
    const en = str(spec.externalName) ?? '';
    if (!en) errs.push(required(sp.child('externalName'), ''));
    else for (const m of isDNS1123Subdomain(en.endsWith('.') ? en.slice(0, -1) : en)) errs.push(invalid(sp.child('externalName'), en, m));
    if (str(spec.clusterIP)) errs.push(forbidden(sp.child('clusterIP'), 'may not be set for ExternalName services'));
  }
  // 2. ports.
  const ports = arr(spec.ports);
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(required(sp.child('ports'), ''));
  const names = new Set<string>();
  ports.forEach((x, i) => {
    const port = obj(x);
    const p = sp.child('ports').index(i);
    const name = str(port.name) ?? '';
    if (ports.length > 1 && !name) errs.push(required(p.child('name'), ''));
    if (name) {
      for (const m of isDNS1123Label(name)) errs.push(invalid(p.child('name'), name, m));
      if (names.has(name)) errs.push(duplicate(p.child('name'), name));
      names.add(name);
    }
    errs.push(...validatePortNum(port.port, p.child('port')));
    errs.push(...validateProtocol(port.protocol, p.child('protocol')));
    if (port.targetPort !== undefined && port.targetPort !== 0 && port.targetPort !== '') errs.push(...validatePortNumOrName(port.targetPort, p.child('targetPort')));
    if (port.nodePort !== undefined && port.nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') errs.push(forbidden(p.child('nodePort'), `may not be used when \`type\` is '${String(type)}'`));
      else errs.push(...validatePortNum(port.nodePort, p.child('nodePort')));
    }
  });
  // 3. cluster IP syntax.
  const cip = str(spec.clusterIP) ?? '';
  if (cip && cip !== 'None' && isIP(cip) === 0) errs.push(invalid(sp.child('clusterIPs').index(0), cip, "must be empty, 'None', or a valid IP address"));
  arr(spec.externalIPs).forEach((ip, i) => {
    if (isIP(String(ip)) === 0) errs.push(invalid(sp.child('externalIPs').index(i), ip, 'must be a valid IP address'));
  });
  // 4. policies.
  errs.push(...validateEnum(spec.sessionAffinity, ['ClientIP', 'None'], sp.child('sessionAffinity')));
  if (spec.sessionAffinity === 'ClientIP') {
    const t = obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds;
    if (t !== undefined && (!isInt(t) || t <= 0 || t > 86400))
      errs.push(invalid(sp.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), t, 'must be greater than 0 and less than 86400'));
  }
  errs.push(...validateEnum(spec.internalTrafficPolicy, ['Cluster', 'Local'], sp.child('internalTrafficPolicy')));
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== '') {
    if (type !== 'NodePort' && type !== 'LoadBalancer')
      errs.push(invalid(sp.child('externalTrafficPolicy'), spec.externalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
    else errs.push(...validateEnum(spec.externalTrafficPolicy, ['Cluster', 'Local'], sp.child('externalTrafficPolicy')));
  }
  errs.push(...validateEnum(spec.ipFamilyPolicy, ['SingleStack', 'PreferDualStack', 'RequireDualStack'], sp.child('ipFamilyPolicy')));
  arr(spec.ipFamilies).forEach((f, i) => errs.push(...validateEnum(f, ['IPv4', 'IPv6'], sp.child('ipFamilies').index(i))));
  errs.push(...validateLabels(spec.selector, sp.child('selector')));
  return errs;
}

/**
 * Validates a Service update: clusterIP may not change once set (an empty new value means "keep";
 * the REST layer copies allocated values forward), except when switching to or from ExternalName.
 */
export function validateServiceUpdate(svc: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const errs = validateService(svc);
  const spec = obj(svc.spec);
  const oldSpec = obj(old.spec);
  const fromOrToExternal = spec.type === 'ExternalName' || oldSpec.type === 'ExternalName';
  const next = str(spec.clusterIP) ?? '';
  const prev = str(oldSpec.clusterIP) ?? '';
  if (!fromOrToExternal && prev && next && next !== prev)
    errs.push(invalid(new Path('spec').child('clusterIPs').index(0), next, 'may not change once set'));
  return errs;
}

/** Validates core/v1 Endpoints. */
export function validateEndpoints(ep: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  arr(ep.subsets).forEach((s, i) => {
    const sub = obj(s);
    const p = new Path('subsets').index(i);
    const addrs = arr(sub.addresses);
    const notReady = arr(sub.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0)
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    for (const [k, list] of [['addresses', addrs], ['notReadyAddresses', notReady]] as const) {
      list.forEach((a, j) => {
        const ip = str(obj(a).ip) ?? '';
        const ap = p.child(k).index(j).child('ip');
        if (!ip) errs.push(required(ap, ''));
        else if (isIP(ip) === 0) errs.push(invalid(ap, ip, 'must be a valid IP address'));
        const hn = str(obj(a).hostname);
        if (hn) for (const m of isDNS1123Label(hn)) errs.push(invalid(p.child(k).index(j).child('hostname'), hn, m));
      });
    }
    const ports = arr(sub.ports);
    ports.forEach((x, j) => {
      const port = obj(x);
      const pp = p.child('ports').index(j);
      const name = str(port.name) ?? '';
      if (ports.length > 1 && !name) errs.push(required(pp.child('name'), ''));
      else if (name) for (const m of isDNS1123Label(name)) errs.push(invalid(pp.child('name'), name, m));
      errs.push(...validatePortNum(port.port, pp.child('port')));
      errs.push(...validateProtocol(port.protocol, pp.child('protocol')));
    });
  });
  return errs;
}

/** Re-exported for callers that list supported service types. */
export function isSupportedServiceType(t: unknown): boolean {
  return (serviceTypes as readonly unknown[]).includes(t);
}

