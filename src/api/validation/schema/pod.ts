// Field schemas of PodSpec and its parts (containers, volumes, probes, affinity).
import { type FieldSchema, open, bool, int, intstr, list, map, o, quantity, str, strs } from './dsl.js';
import { labelSelector, objectMeta } from './meta.js';

const keyRef = o({ name: str, key: str, optional: bool });
const fieldRef = o({ apiVersion: str, fieldPath: str });
const resourceFieldRef = o({ containerName: str, resource: str, divisor: quantity });
const envVar = o({ name: str, value: str, valueFrom: o({ fieldRef, resourceFieldRef, configMapKeyRef: keyRef, secretKeyRef: keyRef }) });
const envFrom = o({ prefix: str, configMapRef: o({ name: str, optional: bool }), secretRef: o({ name: str, optional: bool }) });
const httpGet = o({ path: str, port: intstr, host: str, scheme: str, httpHeaders: list(o({ name: str, value: str })) });
const exec = o({ command: strs });
const tcpSocket = o({ port: intstr, host: str });
const grpc = o({ port: int, service: str });
const probe = o({
  exec, httpGet, tcpSocket, grpc,
  initialDelaySeconds: int, timeoutSeconds: int, periodSeconds: int, successThreshold: int, failureThreshold: int,
  terminationGracePeriodSeconds: int,
});
const handler = o({ exec, httpGet, tcpSocket, sleep: o({ seconds: int }) });
const seccomp = o({ type: str, localhostProfile: str });
const seLinux = o({ user: str, role: str, type: str, level: str });
const windowsOptions = o({ gmsaCredentialSpecName: str, gmsaCredentialSpec: str, runAsUserName: str, hostProcess: bool });
const securityContext = o({
  runAsUser: int, runAsGroup: int, runAsNonRoot: bool, privileged: bool, readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: bool, capabilities: o({ add: strs, drop: strs }), seccompProfile: seccomp, procMount: str,
  seLinuxOptions: seLinux, appArmorProfile: seccomp, windowsOptions,
});
const resources = o({ limits: map(quantity), requests: map(quantity), claims: list(o({ name: str, request: str })) });

export const container: FieldSchema = o({
  name: str, image: str, command: strs, args: strs, workingDir: str,
  ports: list(o({ name: str, containerPort: int, hostPort: int, hostIP: str, protocol: str })),
  env: list(envVar), envFrom: list(envFrom), resources,
  resizePolicy: list(o({ resourceName: str, restartPolicy: str })),
  volumeMounts: list(o({ name: str, mountPath: str, subPath: str, subPathExpr: str, readOnly: bool, recursiveReadOnly: str, mountPropagation: str })),
  volumeDevices: list(o({ name: str, devicePath: str })),
  livenessProbe: probe, readinessProbe: probe, startupProbe: probe,
  lifecycle: o({ postStart: handler, preStop: handler, stopSignal: str }),
  terminationMessagePath: str, terminationMessagePolicy: str, imagePullPolicy: str, securityContext,
  stdin: bool, stdinOnce: bool, tty: bool, restartPolicy: str, targetContainerName: str,
});

const keyToPath = list(o({ key: str, path: str, mode: int }));
const downwardItems = list(o({ path: str, fieldRef, resourceFieldRef, mode: int }));
const volume = o({
  name: str,
  emptyDir: o({ medium: str, sizeLimit: quantity }),
  hostPath: o({ path: str, type: str }),
  configMap: o({ name: str, items: keyToPath, defaultMode: int, optional: bool }),
  secret: o({ secretName: str, items: keyToPath, defaultMode: int, optional: bool }),
  downwardAPI: o({ items: downwardItems, defaultMode: int }),
  projected: o({
    sources: list(o({
      secret: o({ name: str, items: keyToPath, optional: bool }),
      configMap: o({ name: str, items: keyToPath, optional: bool }),
      downwardAPI: o({ items: downwardItems }),
      serviceAccountToken: o({ audience: str, expirationSeconds: int, path: str }),
      clusterTrustBundle: open,
    })),
    defaultMode: int,
  }),
  persistentVolumeClaim: o({ claimName: str, readOnly: bool }),
  nfs: o({ server: str, path: str, readOnly: bool }),
  csi: o({ driver: str, readOnly: bool, fsType: str, volumeAttributes: map(), nodePublishSecretRef: o({ name: str }) }),
  ephemeral: o({ volumeClaimTemplate: open }),
  image: o({ reference: str, pullPolicy: str }),
  gitRepo: open, iscsi: open, glusterfs: open, rbd: open, flexVolume: open, cinder: open, cephfs: open, flocker: open, fc: open,
  azureFile: open, azureDisk: open, vsphereVolume: open, quobyte: open, photonPersistentDisk: open, portworxVolume: open,
  scaleIO: open, storageos: open, gcePersistentDisk: open, awsElasticBlockStore: open,
});

const nodeSelectorTerm = o({
  matchExpressions: list(o({ key: str, operator: str, values: strs })),
  matchFields: list(o({ key: str, operator: str, values: strs })),
});
const podAffinityTerm = o({ labelSelector, namespaces: strs, namespaceSelector: labelSelector, topologyKey: str, matchLabelKeys: strs, mismatchLabelKeys: strs });
const podAffinity = o({
  requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm),
  preferredDuringSchedulingIgnoredDuringExecution: list(o({ weight: int, podAffinityTerm })),
});
const affinity = o({
  nodeAffinity: o({
    requiredDuringSchedulingIgnoredDuringExecution: o({ nodeSelectorTerms: list(nodeSelectorTerm) }),
    preferredDuringSchedulingIgnoredDuringExecution: list(o({ weight: int, preference: nodeSelectorTerm })),
  }),
  podAffinity,
  podAntiAffinity: podAffinity,
});

export const podSpec: FieldSchema = o({
  volumes: list(volume),
  initContainers: list(container),
  containers: list(container),
  ephemeralContainers: list(container),
  restartPolicy: str, terminationGracePeriodSeconds: int, activeDeadlineSeconds: int, dnsPolicy: str,
  nodeSelector: map(), serviceAccountName: str, serviceAccount: str, automountServiceAccountToken: bool, nodeName: str,
  hostNetwork: bool, hostPID: bool, hostIPC: bool, hostUsers: bool, shareProcessNamespace: bool,
  securityContext: o({
    runAsUser: int, runAsGroup: int, runAsNonRoot: bool, fsGroup: int, fsGroupChangePolicy: str, supplementalGroups: list(int),
    supplementalGroupsPolicy: str, sysctls: list(o({ name: str, value: str })), seccompProfile: seccomp, seLinuxOptions: seLinux,
    appArmorProfile: seccomp, windowsOptions, seLinuxChangePolicy: str,
  }),
  imagePullSecrets: list(o({ name: str })), hostname: str, subdomain: str, setHostnameAsFQDN: bool, affinity, schedulerName: str,
  tolerations: list(o({ key: str, operator: str, value: str, effect: str, tolerationSeconds: int })),
  hostAliases: list(o({ ip: str, hostnames: strs })), priorityClassName: str, priority: int,
  dnsConfig: o({ nameservers: strs, searches: strs, options: list(o({ name: str, value: str })) }),
  readinessGates: list(o({ conditionType: str })), runtimeClassName: str, enableServiceLinks: bool, preemptionPolicy: str,
  overhead: map(quantity),
  topologySpreadConstraints: list(o({
    maxSkew: int, topologyKey: str, whenUnsatisfiable: str, labelSelector, minDomains: int, nodeAffinityPolicy: str,
    nodeTaintsPolicy: str, matchLabelKeys: strs,
  })),
  os: o({ name: str }), schedulingGates: list(o({ name: str })), resourceClaims: open, resources,
});

export const podTemplateSpec: FieldSchema = o({ metadata: objectMeta, spec: podSpec });
