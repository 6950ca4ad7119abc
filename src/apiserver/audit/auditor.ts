// Builds audit.k8s.io/v1 Event lines for requests and hands them to a sink. The pipeline calls
// `begin` once the user is known (RequestReceived) and `end` when the response is complete.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../../util/clock.js';
import { rfc3339Micro } from '../../util/clock.js';
import type { UserInfo } from '../admission/interface.js';
import type { RequestInfo } from '../request-info.js';
import { atLeast, levelFor, type AuditLevel, type AuditPolicy, type AuditStage } from './policy.js';
import type { LineSink } from './log-writer.js';

/** One request's audit record in progress. */
export interface AuditContext {
  auditID: string;
  level: AuditLevel;
  omitStages: AuditStage[];
  event: Record<string, unknown>;
}

export interface AuditorOptions {
  policy: AuditPolicy;
  sink: LineSink;
  clock: Clock;
  newId?: () => string;
}

/** The fields the pipeline has when the response is complete. */
export interface AuditResult {
  code: number;
  status?: { status?: string; reason?: string; message?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  annotations?: Record<string, string>;
}

function sourceIPs(req: IncomingMessage): string[] {
  const out: string[] = [];
  const xff = req.headers['x-forwarded-for'];
  if (typeof xff === 'string') out.push(...xff.split(',').map((s) => s.trim()).filter(Boolean));
  const remote = req.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (remote && !out.includes(remote)) out.push(remote);
  return out;
}

export class Auditor {
  constructor(private readonly o: AuditorOptions) {}

  /** Starts the record (and writes RequestReceived unless omitted); undefined when the level is None. */
  begin(req: IncomingMessage, info: RequestInfo, user: UserInfo, url: URL, receivedAt: number): AuditContext | undefined {
    const { level, omitStages } = levelFor(this.o.policy, { user, verb: info.verb, isResourceRequest: info.isResourceRequest, path: url.pathname, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name });
    if (level === 'None') return undefined;
    const auditID = (typeof req.headers['audit-id'] === 'string' && req.headers['audit-id']) || (this.o.newId ?? randomUUID)();
    const event: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level,
      auditID,
      stage: 'RequestReceived',
      requestURI: req.url ?? '/',
      verb: info.verb,
      user: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) },
      sourceIPs: sourceIPs(req),
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    if (info.isResourceRequest) {
      event.objectRef = {
        resource: info.resource,
        ...(info.namespace ? { namespace: info.namespace } : {}),
        ...(info.name ? { name: info.name } : {}),
        ...(info.group ? { apiGroup: info.group } : {}),
        apiVersion: info.version,
        ...(info.subresource ? { subresource: info.subresource } : {}),
      };
    }
    event.requestReceivedTimestamp = rfc3339Micro(receivedAt);
    const ctx: AuditContext = { auditID, level, omitStages, event };
    if (!omitStages.includes('RequestReceived')) this.emit(ctx, 'RequestReceived', {});
    return ctx;
  }

  /** Writes the ResponseComplete (or Panic for 5xx from a thrown error) event. */
  end(ctx: AuditContext, r: AuditResult, panic = false): void {
    const stage: AuditStage = panic ? 'Panic' : 'ResponseComplete';
    if (ctx.omitStages.includes(stage)) return;
    const extra: Record<string, unknown> = {
      responseStatus: { metadata: {}, ...(r.status?.status ? { status: r.status.status } : {}), ...(r.status?.message ? { message: r.status.message } : {}), ...(r.status?.reason ? { reason: r.status.reason } : {}), code: r.code },
    };
    if (atLeast(ctx.level, 'Request') && r.requestObject !== undefined) extra.requestObject = r.requestObject;
    if (atLeast(ctx.level, 'RequestResponse') && r.responseObject !== undefined) extra.responseObject = r.responseObject;
    if (r.annotations && Object.keys(r.annotations).length) extra.annotations = r.annotations;
    this.emit(ctx, stage, extra);
  }

  private emit(ctx: AuditContext, stage: AuditStage, extra: Record<string, unknown>): void {
    const e = { ...ctx.event, stage, ...extra, stageTimestamp: rfc3339Micro(this.o.clock.now()) };
    // requestReceivedTimestamp before stageTimestamp, annotations last, as upstream orders them
    this.o.sink.write(JSON.stringify(e));
  }

  close(): Promise<void> {
    return this.o.sink.close();
  }
}
