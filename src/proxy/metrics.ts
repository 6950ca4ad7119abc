// Proxy metrics (prom-client), upstream names. One Registry per proxier: no global state.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The proxier's metrics and the registry that serves them. */
export interface ProxyMetrics {
  registry: Registry;
  syncDuration: Histogram;
  programmingLatency: Histogram;
  rulesTotal: Gauge<'table'>;
  restoreFailures: Counter;
  lastSyncTimestamp: Gauge;
}

/** Creates the metrics in a fresh registry. */
export function newProxyMetrics(): ProxyMetrics {
  const registry = new Registry();
  const buckets = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];
  return {
    registry,
    syncDuration: new Histogram({ name: 'kubeproxy_sync_proxy_rules_duration_seconds', help: 'SyncProxyRules latency in seconds', buckets, registers: [registry] }),
    programmingLatency: new Histogram({
      name: 'kubeproxy_network_programming_duration_seconds',
      help: 'In Cluster Network Programming Latency in seconds',
      buckets: [0.25, 0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 30, 60, 120, 300],
      registers: [registry],
    }),
    rulesTotal: new Gauge({ name: 'kubeproxy_sync_proxy_rules_iptables_total', help: 'Total number of iptables rules owned by kube-proxy', labelNames: ['table'], registers: [registry] }),
    restoreFailures: new Counter({ name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total', help: 'Cumulative proxy iptables restore failures', registers: [registry] }),
    lastSyncTimestamp: new Gauge({ name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds', help: 'The last time proxy rules were successfully synced', registers: [registry] }),
  };
}
