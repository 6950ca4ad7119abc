import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ObjectMeta, PodSpec } from '../../../api/types/index.js';
import { evaluate, violationText, type Level } from './checks.js';
import { policyFromLabels } from './admission.js';

const restrictedOK: PodSpec = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};
const plain: PodSpec = { containers: [{ name: 'c', image: 'i' }] };
const withC = (sc: object, extra: Partial<PodSpec> = {}): PodSpec => ({ ...plain, ...extra, containers: [{ name: 'c', image: 'i', securityContext: sc }] });

// [name, spec, meta, reasons at baseline, reasons at restricted]
const CASES: [string, PodSpec, ObjectMeta, string[], string[]][] = [
  ['plain pod', plain, {}, [], ['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']],
  ['restricted-compliant pod', restrictedOK, {}, [], []],
  ['privileged', withC({ privileged: true }), {}, ['privileged'], ['privileged', 'allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']],
  ['host namespaces', { ...restrictedOK, hostNetwork: true, hostPID: true }, {}, ['host namespaces'], ['host namespaces']],
  ['hostPath volume', { ...restrictedOK, volumes: [{ name: 'h', hostPath: { path: '/' } }] }, {}, ['hostPath volumes'], ['hostPath volumes', 'restricted volume types']],
  ['hostPort', { ...restrictedOK, containers: [{ ...restrictedOK.containers[0]!, ports: [{ containerPort: 80, hostPort: 8080 }] }] }, {}, ['hostPort'], ['hostPort']],
  ['NET_ADMIN', withC({ capabilities: { add: ['NET_ADMIN'] } }), {}, ['non-default capabilities'], ['non-default capabilities', 'allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile'].filter((r) => r !== 'non-default capabilities')],
  ['AppArmor unconfined annotation', restrictedOK, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } }, ['forbidden AppArmor profile'], ['forbidden AppArmor profile']],
  ['SELinux spc_t', { ...restrictedOK, securityContext: { ...restrictedOK.securityContext, seLinuxOptions: { type: 'spc_t' } } }, {}, ['seLinuxOptions'], ['seLinuxOptions']],
  ['procMount Unmasked', { ...restrictedOK, containers: [{ ...restrictedOK.containers[0]!, securityContext: { ...restrictedOK.containers[0]!.securityContext, procMount: 'Unmasked' } }] }, {}, ['procMount'], ['procMount']],
  ['seccomp Unconfined', { ...restrictedOK, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } }, {}, ['seccompProfile'], ['seccompProfile']],
  ['unsafe sysctl', { ...restrictedOK, securityContext: { ...restrictedOK.securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, {}, ['forbidden sysctls'], ['forbidden sysctls']],
  ['safe sysctl', { ...restrictedOK, securityContext: { ...restrictedOK.securityContext, sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1 2' }] } }, {}, [], []],
  ['runAsUser 0', { ...restrictedOK, securityContext: { ...restrictedOK.securityContext, runAsUser: 0 } }, {}, [], ['runAsUser=0']],
  ['hostProcess', withC({ windowsOptions: { hostProcess: true } }), {}, ['hostProcess'], ['hostProcess', 'allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']],
  ['NET_BIND_SERVICE is fine at restricted', { ...restrictedOK, containers: [{ name: 'c', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }] }, {}, [], []],
];

test('PodSecurity checks per level (table)', () => {
  for (const [name, spec, meta, baseline, restricted] of CASES) {
    assert.deepEqual(evaluate('privileged', meta, spec), [], `${name}: privileged allows everything`);
    assert.deepEqual(evaluate('baseline', meta, spec).map((v) => v.reason).sort(), [...baseline].sort(), `${name} @ baseline`);
    assert.deepEqual(evaluate('restricted', meta, spec).map((v) => v.reason).sort(), [...restricted].sort(), `${name} @ restricted`);
  }
});

test('upstream message for a privileged pod at restricted', () => {
  const vs = evaluate('restricted' as Level, {}, withC({ privileged: true }));
  assert.equal(
    violationText('restricted:latest', vs),
    'violates PodSecurity "restricted:latest": privileged (container "c" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  const two = evaluate('baseline', {}, { containers: [{ name: 'a', securityContext: { privileged: true } }, { name: 'b', securityContext: { privileged: true } }] });
  assert.equal(two[0]!.detail, 'containers "a", "b" must not set securityContext.privileged=true');
});

test('namespace labels → policy', () => {
  assert.deepEqual(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.30' }), {
    enforce: { level: 'baseline', version: 'latest' }, warn: { level: 'restricted', version: 'v1.30' },
  });
  assert.deepEqual(policyFromLabels(undefined), {});
});
