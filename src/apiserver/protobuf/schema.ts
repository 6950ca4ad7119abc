// The protobuf messages kubectl's typed commands send, described with the field numbers of the
// upstream generated.proto files (k8s.io/api core/v1, apps/v1, batch/v1, rbac/v1, scheduling/v1,
// policy/v1, authorization/v1, authentication/v1, autoscaling/v1; apimachinery meta/v1, intstr,
// resource.Quantity). Field numbers are facts of the wire format; names are the JSON names.
//
// Zero values — the rule every field follows:
// Go's protobuf marshaller (gogo, as used by client-go) writes every NON-pointer field, even when
// it holds its zero value (`""`, `0`, `false`, an empty struct), and writes a POINTER field only
// when it is set. JSON, by contrast, drops zero values of `omitempty` fields. So:
// - scalar fields are dropped when they hold the zero value (`""`, `0`, `false`, the zero Time),
//   exactly what JSON `omitempty` would print — unless marked `keep`;
// - `keep` marks Go pointer fields (`replicas`, `suspend`, `optional`, `runAsUser`, …) and
//   non-omitempty fields (`containerPort`, service `port`, `weight`, `value`, …): whatever is on
//   the wire is reported, zero and false included, so `--replicas=0` stays 0;
// - message fields are reported when present, even empty (a Go struct prints as `{}` in JSON);
// - repeated and map entries are always reported (an empty string in `args` is an argument).
// Types `quantity` (resource.Quantity: string field 1) and `intOrString` ({type=1, intVal=2,
// strVal=3}) become their JSON scalars and follow the scalar rule: a non-pointer IntOrString
// (`targetPort`, probe `port`) is always written, so its zero means unset and is dropped (the
// defaulting fills it), while a pointer one (`maxUnavailable`) is `keep`;
// `stringList` is authorization's ExtraValue (items=1),
// which JSON prints as a bare array. `inline` merges a message into its parent (Go embedding:
// Volume.VolumeSource, Probe.ProbeHandler, ConfigMapKeySelector.LocalObjectReference, …).
// Status is known (`skip`) but not decoded: writes through the main resource ignore it.

/** How one field of a message decodes into the JSON shape. */
export interface FieldSpec {
  name: string;
  /** A scalar type or another message's name. */
  type: 'string' | 'bytes' | 'bool' | 'int' | 'time' | 'quantity' | 'intOrString' | 'stringList' | string;
  repeated?: boolean;
  /** map<string, type>: entries with key = 1, value = 2. */
  map?: boolean;
  /** Report zero values too (Go pointer or non-omitempty field); see the rule above. */
  keep?: boolean;
  /** Merge the decoded message's fields into the parent (Go struct embedding). */
  inline?: boolean;
  /** Known but not decoded: `status`, which writes through the main resource ignore. */
  skip?: boolean;
}

type Fields = Record<number, FieldSpec>;
type Opts = Pick<FieldSpec, 'keep'>;
const KEEP: Opts = { keep: true };

const str = (name: string, o?: Opts): FieldSpec => ({ name, type: 'string', ...o });
const strs = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
const int = (name: string, o?: Opts): FieldSpec => ({ name, type: 'int', ...o });
const bool = (name: string, o?: Opts): FieldSpec => ({ name, type: 'bool', ...o });
const msg = (name: string, type: string): FieldSpec => ({ name, type });
const msgs = (name: string, type: string): FieldSpec => ({ name, type, repeated: true });
const inline = (type: string): FieldSpec => ({ name: '', type, inline: true });
const strMap = (name: string): FieldSpec => ({ name, type: 'string', map: true });
const quantityMap = (name: string): FieldSpec => ({ name, type: 'quantity', map: true });
const meta: FieldSpec = msg('metadata', 'ObjectMeta');
const status: FieldSpec = { name: 'status', type: '', skip: true };

// apimachinery meta/v1
const metaV1: Record<string, Fields> = {
  Time: { 1: int('seconds'), 2: int('nanos') },
  ObjectMeta: {
    1: str('name'), 2: str('generateName'), 3: str('namespace'), 4: str('selfLink'), 5: str('uid'),
    6: str('resourceVersion'), 7: int('generation'), 8: { name: 'creationTimestamp', type: 'time' },
    9: { name: 'deletionTimestamp', type: 'time' }, 10: int('deletionGracePeriodSeconds', KEEP),
    11: strMap('labels'), 12: strMap('annotations'), 13: msgs('ownerReferences', 'OwnerReference'), 14: strs('finalizers'),
  },
  OwnerReference: { 1: str('kind'), 3: str('name'), 4: str('uid'), 5: str('apiVersion'), 6: bool('controller', KEEP), 7: bool('blockOwnerDeletion', KEEP) },
  LabelSelector: { 1: strMap('matchLabels'), 2: msgs('matchExpressions', 'LabelSelectorRequirement') },
  LabelSelectorRequirement: { 1: str('key'), 2: str('operator'), 3: strs('values') },
  DeleteOptions: {
    1: int('gracePeriodSeconds', KEEP), 2: msg('preconditions', 'Preconditions'), 3: bool('orphanDependents', KEEP),
    4: str('propagationPolicy', KEEP), 5: strs('dryRun'), 6: bool('ignoreStoreReadErrorWithClusterBreakingPotential', KEEP),
  },
  Preconditions: { 1: str('uid', KEEP), 2: str('resourceVersion', KEEP) },
};

// core/v1: the pod template tree (everything a Deployment, Job or CronJob carries)
const podV1: Record<string, Fields> = {
  PodTemplateSpec: { 1: meta, 2: msg('spec', 'PodSpec') },
  PodSpec: {
    1: msgs('volumes', 'Volume'), 20: msgs('initContainers', 'Container'), 2: msgs('containers', 'Container'),
    34: msgs('ephemeralContainers', 'EphemeralContainer'), 3: str('restartPolicy'),
    4: int('terminationGracePeriodSeconds', KEEP), 5: int('activeDeadlineSeconds', KEEP), 6: str('dnsPolicy'),
    7: strMap('nodeSelector'), 8: str('serviceAccountName'), 9: str('serviceAccount'), 21: bool('automountServiceAccountToken', KEEP),
    10: str('nodeName'), 11: bool('hostNetwork'), 12: bool('hostPID'), 13: bool('hostIPC'), 27: bool('shareProcessNamespace', KEEP),
    14: msg('securityContext', 'PodSecurityContext'), 15: msgs('imagePullSecrets', 'LocalObjectReference'), 16: str('hostname'),
    17: str('subdomain'), 18: msg('affinity', 'Affinity'), 19: str('schedulerName'), 22: msgs('tolerations', 'Toleration'),
    23: msgs('hostAliases', 'HostAlias'), 24: str('priorityClassName'), 25: int('priority', KEEP), 26: msg('dnsConfig', 'PodDNSConfig'),
    28: msgs('readinessGates', 'PodReadinessGate'), 29: str('runtimeClassName', KEEP), 30: bool('enableServiceLinks', KEEP),
    31: str('preemptionPolicy', KEEP), 32: quantityMap('overhead'), 33: msgs('topologySpreadConstraints', 'TopologySpreadConstraint'),
    35: bool('setHostnameAsFQDN', KEEP), 36: msg('os', 'PodOS'), 37: bool('hostUsers', KEEP), 38: msgs('schedulingGates', 'PodSchedulingGate'),
    39: msgs('resourceClaims', 'PodResourceClaim'), 40: msg('resources', 'ResourceRequirements'),
  },
  PodOS: { 1: str('name') },
  PodSchedulingGate: { 1: str('name') },
  PodResourceClaim: { 1: str('name'), 3: str('resourceClaimName', KEEP), 4: str('resourceClaimTemplateName', KEEP) },
  PodReadinessGate: { 1: str('conditionType') },
  Container: {
    1: str('name'), 2: str('image'), 3: strs('command'), 4: strs('args'), 5: str('workingDir'), 6: msgs('ports', 'ContainerPort'),
    19: msgs('envFrom', 'EnvFromSource'), 7: msgs('env', 'EnvVar'), 8: msg('resources', 'ResourceRequirements'),
    23: msgs('resizePolicy', 'ContainerResizePolicy'), 24: str('restartPolicy', KEEP), 9: msgs('volumeMounts', 'VolumeMount'),
    21: msgs('volumeDevices', 'VolumeDevice'), 10: msg('livenessProbe', 'Probe'), 11: msg('readinessProbe', 'Probe'),
    22: msg('startupProbe', 'Probe'), 12: msg('lifecycle', 'Lifecycle'), 13: str('terminationMessagePath'),
    20: str('terminationMessagePolicy'), 14: str('imagePullPolicy'), 15: msg('securityContext', 'SecurityContext'),
    16: bool('stdin'), 17: bool('stdinOnce'), 18: bool('tty'),
  },
  // EphemeralContainerCommon has the field numbers of Container.
  EphemeralContainer: { 1: inline('Container'), 2: str('targetContainerName') },
  ContainerPort: { 1: str('name'), 2: int('hostPort'), 3: int('containerPort', KEEP), 4: str('protocol'), 5: str('hostIP') },
  ContainerResizePolicy: { 1: str('resourceName'), 2: str('restartPolicy') },
  EnvFromSource: { 1: str('prefix'), 2: msg('configMapRef', 'ConfigMapEnvSource'), 3: msg('secretRef', 'SecretEnvSource') },
  ConfigMapEnvSource: { 1: inline('LocalObjectReference'), 2: bool('optional', KEEP) },
  SecretEnvSource: { 1: inline('LocalObjectReference'), 2: bool('optional', KEEP) },
  EnvVar: { 1: str('name'), 2: str('value'), 3: msg('valueFrom', 'EnvVarSource') },
  EnvVarSource: {
    1: msg('fieldRef', 'ObjectFieldSelector'), 2: msg('resourceFieldRef', 'ResourceFieldSelector'),
    3: msg('configMapKeyRef', 'ConfigMapKeySelector'), 4: msg('secretKeyRef', 'SecretKeySelector'),
  },
  ObjectFieldSelector: { 1: str('apiVersion'), 2: str('fieldPath') },
  ResourceFieldSelector: { 1: str('containerName'), 2: str('resource'), 3: { name: 'divisor', type: 'quantity' } },
  ConfigMapKeySelector: { 1: inline('LocalObjectReference'), 2: str('key'), 3: bool('optional', KEEP) },
  SecretKeySelector: { 1: inline('LocalObjectReference'), 2: str('key'), 3: bool('optional', KEEP) },
  LocalObjectReference: { 1: str('name') },
  ResourceRequirements: { 1: quantityMap('limits'), 2: quantityMap('requests'), 3: msgs('claims', 'ResourceClaim') },
  ResourceClaim: { 1: str('name'), 2: str('request') },
  VolumeMount: {
    1: str('name'), 2: bool('readOnly'), 7: str('recursiveReadOnly', KEEP), 3: str('mountPath'), 4: str('subPath'),
    5: str('mountPropagation', KEEP), 6: str('subPathExpr'),
  },
  VolumeDevice: { 1: str('name'), 2: str('devicePath') },
  Probe: {
    1: inline('ProbeHandler'), 2: int('initialDelaySeconds'), 3: int('timeoutSeconds'), 4: int('periodSeconds'),
    5: int('successThreshold'), 6: int('failureThreshold'), 7: int('terminationGracePeriodSeconds', KEEP),
  },
  ProbeHandler: { 1: msg('exec', 'ExecAction'), 2: msg('httpGet', 'HTTPGetAction'), 3: msg('tcpSocket', 'TCPSocketAction'), 4: msg('grpc', 'GRPCAction') },
  Lifecycle: { 1: msg('postStart', 'LifecycleHandler'), 2: msg('preStop', 'LifecycleHandler') },
  LifecycleHandler: { 1: msg('exec', 'ExecAction'), 2: msg('httpGet', 'HTTPGetAction'), 3: msg('tcpSocket', 'TCPSocketAction'), 4: msg('sleep', 'SleepAction') },
  ExecAction: { 1: strs('command') },
  HTTPGetAction: { 1: str('path'), 2: { name: 'port', type: 'intOrString' }, 3: str('host'), 4: str('scheme'), 5: msgs('httpHeaders', 'HTTPHeader') },
  HTTPHeader: { 1: str('name'), 2: str('value', KEEP) },
  TCPSocketAction: { 1: { name: 'port', type: 'intOrString' }, 2: str('host') },
  GRPCAction: { 1: int('port', KEEP), 2: str('service', KEEP) },
  SleepAction: { 1: int('seconds', KEEP) },
  SecurityContext: {
    1: msg('capabilities', 'Capabilities'), 2: bool('privileged', KEEP), 3: msg('seLinuxOptions', 'SELinuxOptions'),
    10: msg('windowsOptions', 'WindowsSecurityContextOptions'), 4: int('runAsUser', KEEP), 8: int('runAsGroup', KEEP),
    5: bool('runAsNonRoot', KEEP), 6: bool('readOnlyRootFilesystem', KEEP), 7: bool('allowPrivilegeEscalation', KEEP),
    9: str('procMount', KEEP), 11: msg('seccompProfile', 'SeccompProfile'), 12: msg('appArmorProfile', 'AppArmorProfile'),
  },
  PodSecurityContext: {
    1: msg('seLinuxOptions', 'SELinuxOptions'), 8: msg('windowsOptions', 'WindowsSecurityContextOptions'),
    2: int('runAsUser', KEEP), 6: int('runAsGroup', KEEP), 3: bool('runAsNonRoot', KEEP),
    4: { name: 'supplementalGroups', type: 'int', repeated: true }, 12: str('supplementalGroupsPolicy', KEEP),
    5: int('fsGroup', KEEP), 7: msgs('sysctls', 'Sysctl'), 9: str('fsGroupChangePolicy', KEEP),
    10: msg('seccompProfile', 'SeccompProfile'), 11: msg('appArmorProfile', 'AppArmorProfile'), 13: str('seLinuxChangePolicy', KEEP),
  },
  Capabilities: { 1: strs('add'), 2: strs('drop') },
  SELinuxOptions: { 1: str('user'), 2: str('role'), 3: str('type'), 4: str('level') },
  WindowsSecurityContextOptions: { 1: str('gmsaCredentialSpecName', KEEP), 2: str('gmsaCredentialSpec', KEEP), 3: str('runAsUserName', KEEP), 4: bool('hostProcess', KEEP) },
  SeccompProfile: { 1: str('type'), 2: str('localhostProfile', KEEP) },
  AppArmorProfile: { 1: str('type'), 2: str('localhostProfile', KEEP) },
  Sysctl: { 1: str('name', KEEP), 2: str('value', KEEP) },
  Affinity: { 1: msg('nodeAffinity', 'NodeAffinity'), 2: msg('podAffinity', 'PodAffinity'), 3: msg('podAntiAffinity', 'PodAffinity') },
  NodeAffinity: {
    1: msg('requiredDuringSchedulingIgnoredDuringExecution', 'NodeSelector'),
    2: msgs('preferredDuringSchedulingIgnoredDuringExecution', 'PreferredSchedulingTerm'),
  },
  NodeSelector: { 1: msgs('nodeSelectorTerms', 'NodeSelectorTerm') },
  NodeSelectorTerm: { 1: msgs('matchExpressions', 'NodeSelectorRequirement'), 2: msgs('matchFields', 'NodeSelectorRequirement') },
  NodeSelectorRequirement: { 1: str('key'), 2: str('operator'), 3: strs('values') },
  PreferredSchedulingTerm: { 1: int('weight', KEEP), 2: msg('preference', 'NodeSelectorTerm') },
  // PodAntiAffinity has the same fields as PodAffinity.
  PodAffinity: {
    1: msgs('requiredDuringSchedulingIgnoredDuringExecution', 'PodAffinityTerm'),
    2: msgs('preferredDuringSchedulingIgnoredDuringExecution', 'WeightedPodAffinityTerm'),
  },
  PodAffinityTerm: {
    1: msg('labelSelector', 'LabelSelector'), 2: strs('namespaces'), 3: str('topologyKey'), 4: msg('namespaceSelector', 'LabelSelector'),
    5: strs('matchLabelKeys'), 6: strs('mismatchLabelKeys'),
  },
  WeightedPodAffinityTerm: { 1: int('weight', KEEP), 2: msg('podAffinityTerm', 'PodAffinityTerm') },
  Toleration: { 1: str('key'), 2: str('operator'), 3: str('value'), 4: str('effect'), 5: int('tolerationSeconds', KEEP) },
  HostAlias: { 1: str('ip'), 2: strs('hostnames') },
  PodDNSConfig: { 1: strs('nameservers'), 2: strs('searches'), 3: msgs('options', 'PodDNSConfigOption') },
  PodDNSConfigOption: { 1: str('name'), 2: str('value', KEEP) },
  TopologySpreadConstraint: {
    1: int('maxSkew', KEEP), 2: str('topologyKey'), 3: str('whenUnsatisfiable'), 4: msg('labelSelector', 'LabelSelector'),
    5: int('minDomains', KEEP), 6: str('nodeAffinityPolicy', KEEP), 7: str('nodeTaintsPolicy', KEEP), 8: strs('matchLabelKeys'),
  },
  Volume: { 1: str('name'), 2: inline('VolumeSource') },
  VolumeSource: {
    1: msg('hostPath', 'HostPathVolumeSource'), 2: msg('emptyDir', 'EmptyDirVolumeSource'), 6: msg('secret', 'SecretVolumeSource'),
    7: msg('nfs', 'NFSVolumeSource'), 10: msg('persistentVolumeClaim', 'PersistentVolumeClaimVolumeSource'),
    16: msg('downwardAPI', 'DownwardAPIVolumeSource'), 19: msg('configMap', 'ConfigMapVolumeSource'),
    26: msg('projected', 'ProjectedVolumeSource'), 28: msg('csi', 'CSIVolumeSource'), 29: msg('ephemeral', 'EphemeralVolumeSource'),
    30: msg('image', 'ImageVolumeSource'),
  },
  HostPathVolumeSource: { 1: str('path'), 2: str('type', KEEP) },
  EmptyDirVolumeSource: { 1: str('medium'), 2: { name: 'sizeLimit', type: 'quantity', keep: true } },
  SecretVolumeSource: { 1: str('secretName'), 2: msgs('items', 'KeyToPath'), 3: int('defaultMode', KEEP), 4: bool('optional', KEEP) },
  ConfigMapVolumeSource: { 1: inline('LocalObjectReference'), 2: msgs('items', 'KeyToPath'), 3: int('defaultMode', KEEP), 4: bool('optional', KEEP) },
  KeyToPath: { 1: str('key'), 2: str('path'), 3: int('mode', KEEP) },
  NFSVolumeSource: { 1: str('server'), 2: str('path'), 3: bool('readOnly') },
  PersistentVolumeClaimVolumeSource: { 1: str('claimName'), 2: bool('readOnly') },
  DownwardAPIVolumeSource: { 1: msgs('items', 'DownwardAPIVolumeFile'), 2: int('defaultMode', KEEP) },
  DownwardAPIVolumeFile: { 1: str('path'), 2: msg('fieldRef', 'ObjectFieldSelector'), 3: msg('resourceFieldRef', 'ResourceFieldSelector'), 4: int('mode', KEEP) },
  ProjectedVolumeSource: { 1: msgs('sources', 'VolumeProjection'), 2: int('defaultMode', KEEP) },
  VolumeProjection: {
    1: msg('secret', 'SecretProjection'), 2: msg('downwardAPI', 'DownwardAPIProjection'), 3: msg('configMap', 'ConfigMapProjection'),
    4: msg('serviceAccountToken', 'ServiceAccountTokenProjection'),
  },
  SecretProjection: { 1: inline('LocalObjectReference'), 2: msgs('items', 'KeyToPath'), 4: bool('optional', KEEP) },
  ConfigMapProjection: { 1: inline('LocalObjectReference'), 2: msgs('items', 'KeyToPath'), 4: bool('optional', KEEP) },
  DownwardAPIProjection: { 1: msgs('items', 'DownwardAPIVolumeFile') },
  ServiceAccountTokenProjection: { 1: str('audience'), 2: int('expirationSeconds', KEEP), 3: str('path') },
  CSIVolumeSource: { 1: str('driver'), 2: bool('readOnly', KEEP), 3: str('fsType', KEEP), 4: strMap('volumeAttributes'), 5: msg('nodePublishSecretRef', 'LocalObjectReference') },
  EphemeralVolumeSource: { 1: msg('volumeClaimTemplate', 'PersistentVolumeClaimTemplate') },
  PersistentVolumeClaimTemplate: { 1: meta, 2: msg('spec', 'PersistentVolumeClaimSpec') },
  PersistentVolumeClaimSpec: {
    1: strs('accessModes'), 4: msg('selector', 'LabelSelector'), 2: msg('resources', 'VolumeResourceRequirements'),
    3: str('volumeName'), 5: str('storageClassName', KEEP), 6: str('volumeMode', KEEP),
  },
  VolumeResourceRequirements: { 1: quantityMap('limits'), 2: quantityMap('requests') },
  ImageVolumeSource: { 1: str('reference'), 2: str('pullPolicy') },
};

// core/v1 kinds other than Pod
const coreV1: Record<string, Fields> = {
  Namespace: { 1: meta, 2: msg('spec', 'NamespaceSpec'), 3: status },
  NamespaceSpec: { 1: strs('finalizers') },
  ConfigMap: { 1: meta, 2: strMap('data'), 3: { name: 'binaryData', type: 'bytes', map: true }, 4: bool('immutable', KEEP) },
  Secret: { 1: meta, 2: { name: 'data', type: 'bytes', map: true }, 3: str('type'), 4: strMap('stringData'), 5: bool('immutable', KEEP) },
  Service: { 1: meta, 2: msg('spec', 'ServiceSpec'), 3: status },
  ServiceSpec: {
    1: msgs('ports', 'ServicePort'), 2: strMap('selector'), 3: str('clusterIP'), 18: strs('clusterIPs'), 4: str('type'),
    5: strs('externalIPs'), 7: str('sessionAffinity'), 8: str('loadBalancerIP'), 9: strs('loadBalancerSourceRanges'),
    10: str('externalName'), 11: str('externalTrafficPolicy'), 12: int('healthCheckNodePort'), 13: bool('publishNotReadyAddresses'),
    14: msg('sessionAffinityConfig', 'SessionAffinityConfig'), 19: strs('ipFamilies'), 17: str('ipFamilyPolicy', KEEP),
    20: bool('allocateLoadBalancerNodePorts', KEEP), 21: str('loadBalancerClass', KEEP), 22: str('internalTrafficPolicy', KEEP),
  },
  ServicePort: { 1: str('name'), 2: str('protocol'), 6: str('appProtocol', KEEP), 3: int('port', KEEP), 4: { name: 'targetPort', type: 'intOrString' }, 5: int('nodePort') },
  SessionAffinityConfig: { 1: msg('clientIP', 'ClientIPConfig') },
  ClientIPConfig: { 1: int('timeoutSeconds', KEEP) },
  ServiceAccount: { 1: meta, 2: msgs('secrets', 'ObjectReference'), 3: msgs('imagePullSecrets', 'LocalObjectReference'), 4: bool('automountServiceAccountToken', KEEP) },
  ObjectReference: { 1: str('kind'), 2: str('namespace'), 3: str('name'), 4: str('uid'), 5: str('apiVersion'), 6: str('resourceVersion'), 7: str('fieldPath') },
  ResourceQuota: { 1: meta, 2: msg('spec', 'ResourceQuotaSpec'), 3: status },
  ResourceQuotaSpec: { 1: quantityMap('hard'), 2: strs('scopes'), 3: msg('scopeSelector', 'ScopeSelector') },
  ScopeSelector: { 1: msgs('matchExpressions', 'ScopedResourceSelectorRequirement') },
  ScopedResourceSelectorRequirement: { 1: str('scopeName'), 2: str('operator'), 3: strs('values') },
  Pod: { 1: meta, 2: msg('spec', 'PodSpec'), 3: status },
};

// apps/v1, batch/v1
const workloads: Record<string, Fields> = {
  Deployment: { 1: meta, 2: msg('spec', 'DeploymentSpec'), 3: status },
  DeploymentSpec: {
    1: int('replicas', KEEP), 2: msg('selector', 'LabelSelector'), 3: msg('template', 'PodTemplateSpec'), 4: msg('strategy', 'DeploymentStrategy'),
    5: int('minReadySeconds'), 6: int('revisionHistoryLimit', KEEP), 7: bool('paused'), 9: int('progressDeadlineSeconds', KEEP),
  },
  DeploymentStrategy: { 1: str('type'), 2: msg('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: { name: 'maxUnavailable', type: 'intOrString', keep: true }, 2: { name: 'maxSurge', type: 'intOrString', keep: true } },
  Job: { 1: meta, 2: msg('spec', 'JobSpec'), 3: status },
  JobSpec: {
    1: int('parallelism', KEEP), 2: int('completions', KEEP), 3: int('activeDeadlineSeconds', KEEP), 4: msg('selector', 'LabelSelector'),
    5: bool('manualSelector', KEEP), 6: msg('template', 'PodTemplateSpec'), 7: int('backoffLimit', KEEP), 8: int('ttlSecondsAfterFinished', KEEP),
    9: str('completionMode', KEEP), 10: bool('suspend', KEEP), 11: msg('podFailurePolicy', 'PodFailurePolicy'),
    12: int('backoffLimitPerIndex', KEEP), 13: int('maxFailedIndexes', KEEP), 14: str('podReplacementPolicy', KEEP),
    15: str('managedBy', KEEP), 16: msg('successPolicy', 'SuccessPolicy'),
  },
  PodFailurePolicy: { 1: msgs('rules', 'PodFailurePolicyRule') },
  PodFailurePolicyRule: { 1: str('action'), 2: msg('onExitCodes', 'PodFailurePolicyOnExitCodesRequirement'), 3: msgs('onPodConditions', 'PodFailurePolicyOnPodConditionsPattern') },
  PodFailurePolicyOnExitCodesRequirement: { 1: str('containerName', KEEP), 2: str('operator'), 3: { name: 'values', type: 'int', repeated: true } },
  PodFailurePolicyOnPodConditionsPattern: { 1: str('type'), 2: str('status') },
  SuccessPolicy: { 1: msgs('rules', 'SuccessPolicyRule') },
  SuccessPolicyRule: { 1: str('succeededIndexes', KEEP), 2: int('succeededCount', KEEP) },
  CronJob: { 1: meta, 2: msg('spec', 'CronJobSpec'), 3: status },
  CronJobSpec: {
    1: str('schedule'), 8: str('timeZone', KEEP), 2: int('startingDeadlineSeconds', KEEP), 3: str('concurrencyPolicy'), 4: bool('suspend', KEEP),
    5: msg('jobTemplate', 'JobTemplateSpec'), 6: int('successfulJobsHistoryLimit', KEEP), 7: int('failedJobsHistoryLimit', KEEP),
  },
  JobTemplateSpec: { 1: meta, 2: msg('spec', 'JobSpec') },
};

// rbac/v1, scheduling/v1, policy/v1, authorization/v1, authentication/v1, autoscaling/v1
const access: Record<string, Fields> = {
  Role: { 1: meta, 2: msgs('rules', 'PolicyRule') },
  ClusterRole: { 1: meta, 2: msgs('rules', 'PolicyRule'), 3: msg('aggregationRule', 'AggregationRule') },
  PolicyRule: { 1: strs('verbs'), 2: strs('apiGroups'), 3: strs('resources'), 4: strs('resourceNames'), 5: strs('nonResourceURLs') },
  AggregationRule: { 1: msgs('clusterRoleSelectors', 'LabelSelector') },
  RoleBinding: { 1: meta, 2: msgs('subjects', 'Subject'), 3: msg('roleRef', 'RoleRef') },
  Subject: { 1: str('kind'), 2: str('apiGroup'), 3: str('name'), 4: str('namespace') },
  RoleRef: { 1: str('apiGroup'), 2: str('kind'), 3: str('name') },
  PriorityClass: { 1: meta, 2: int('value', KEEP), 3: bool('globalDefault'), 4: str('description'), 5: str('preemptionPolicy', KEEP) },
  Eviction: { 1: meta, 2: msg('deleteOptions', 'DeleteOptions') },
  SelfSubjectAccessReview: { 1: meta, 2: msg('spec', 'SelfSubjectAccessReviewSpec'), 3: status },
  SelfSubjectAccessReviewSpec: { 1: msg('resourceAttributes', 'ResourceAttributes'), 2: msg('nonResourceAttributes', 'NonResourceAttributes') },
  SubjectAccessReview: { 1: meta, 2: msg('spec', 'SubjectAccessReviewSpec'), 3: status },
  SubjectAccessReviewSpec: {
    1: msg('resourceAttributes', 'ResourceAttributes'), 2: msg('nonResourceAttributes', 'NonResourceAttributes'), 3: str('user'),
    4: strs('groups'), 5: { name: 'extra', type: 'stringList', map: true }, 6: str('uid'),
  },
  ResourceAttributes: {
    1: str('namespace'), 2: str('verb'), 3: str('group'), 4: str('version'), 5: str('resource'), 6: str('subresource'), 7: str('name'),
    8: msg('fieldSelector', 'FieldSelectorAttributes'), 9: msg('labelSelector', 'LabelSelectorAttributes'),
  },
  FieldSelectorAttributes: { 1: str('rawSelector'), 2: msgs('requirements', 'FieldSelectorRequirement') },
  FieldSelectorRequirement: { 1: str('key'), 2: str('operator'), 3: strs('values') },
  LabelSelectorAttributes: { 1: str('rawSelector'), 2: msgs('requirements', 'LabelSelectorRequirement') },
  NonResourceAttributes: { 1: str('path'), 2: str('verb') },
  SelfSubjectRulesReview: { 1: meta, 2: msg('spec', 'SelfSubjectRulesReviewSpec'), 3: status },
  SelfSubjectRulesReviewSpec: { 1: str('namespace') },
  TokenRequest: { 1: meta, 2: msg('spec', 'TokenRequestSpec'), 3: status },
  TokenRequestSpec: { 1: strs('audiences'), 4: int('expirationSeconds', KEEP), 3: msg('boundObjectRef', 'BoundObjectReference') },
  BoundObjectReference: { 1: str('kind'), 2: str('apiVersion'), 3: str('name'), 4: str('uid') },
  TokenReview: { 1: meta, 2: msg('spec', 'TokenReviewSpec'), 3: status },
  TokenReviewSpec: { 1: str('token'), 2: strs('audiences') },
  SelfSubjectReview: { 1: meta, 2: status },
  HorizontalPodAutoscaler: { 1: meta, 2: msg('spec', 'HorizontalPodAutoscalerSpec'), 3: status },
  HorizontalPodAutoscalerSpec: {
    1: msg('scaleTargetRef', 'CrossVersionObjectReference'), 2: int('minReplicas', KEEP), 3: int('maxReplicas', KEEP),
    4: int('targetCPUUtilizationPercentage', KEEP),
  },
  CrossVersionObjectReference: { 1: str('kind'), 2: str('name'), 3: str('apiVersion') },
  Scale: { 1: meta, 2: msg('spec', 'ScaleSpec'), 3: status },
  ScaleSpec: { 1: int('replicas') },
};

export const MESSAGES: Record<string, Fields> = { ...metaV1, ...podV1, ...coreV1, ...workloads, ...access };

/** "apiVersion/kind" → message name, for the kinds a protobuf request body may carry. */
export const KIND_MESSAGES: Record<string, string> = {
  'v1/Namespace': 'Namespace',
  'v1/ConfigMap': 'ConfigMap',
  'v1/Secret': 'Secret',
  'v1/Service': 'Service',
  'v1/ServiceAccount': 'ServiceAccount',
  'v1/ResourceQuota': 'ResourceQuota',
  'v1/Pod': 'Pod',
  'apps/v1/Deployment': 'Deployment',
  'batch/v1/Job': 'Job',
  'batch/v1/CronJob': 'CronJob',
  'rbac.authorization.k8s.io/v1/Role': 'Role',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'ClusterRole',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'RoleBinding',
  'scheduling.k8s.io/v1/PriorityClass': 'PriorityClass',
  'policy/v1/Eviction': 'Eviction',
  'authorization.k8s.io/v1/SelfSubjectAccessReview': 'SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/LocalSubjectAccessReview': 'SubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview': 'SelfSubjectRulesReview',
  'authentication.k8s.io/v1/TokenRequest': 'TokenRequest',
  'authentication.k8s.io/v1/TokenReview': 'TokenReview',
  'authentication.k8s.io/v1/SelfSubjectReview': 'SelfSubjectReview',
  'autoscaling/v1/HorizontalPodAutoscaler': 'HorizontalPodAutoscaler',
  'autoscaling/v1/Scale': 'Scale',
};
