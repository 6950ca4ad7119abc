// The apiserver's Prometheus metrics (one Registry per server instance, no globals).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ApiServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'apiserver_request_total', help: 'Requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'code'], registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Request latency by verb and resource (watches excluded).',
    labelNames: ['verb', 'resource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly watchers = new Gauge({ name: 'apiserver_registered_watchers', help: 'Open watches by resource.', labelNames: ['resource'], registers: [this.registry] });
  readonly inflight = new Gauge({ name: 'apiserver_current_inflight_requests', help: 'In-flight requests by kind.', labelNames: ['request_kind'], registers: [this.registry] });
  readonly etcd = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'etcd request latency by operation.',
    labelNames: ['operation'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly rejected = new Counter({ name: 'apiserver_dropped_requests_total', help: 'Requests refused with 429.', labelNames: ['request_kind'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
