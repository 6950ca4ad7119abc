// Typed patch failures; the apiserver maps each to a metav1.Status code.

/**
 * The patch is malformed (code 400, e.g. a non-array JSON patch, a bad directive) or cannot be
 * applied to this object (code 422, e.g. a failed `test` or a missing path), as upstream.
 */
export class PatchError extends Error {
  readonly code: 400 | 422;
  constructor(message: string, code: 400 | 422 = 422) {
    super(message);
    this.name = 'PatchError';
    this.code = code;
  }
}

/** The Content-Type names no patch type we serve (apiserver: 415 UnsupportedMediaType). */
export class UnsupportedPatchError extends Error {
  readonly contentType: string;
  constructor(contentType: string) {
    super(`the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`);
    this.name = 'UnsupportedPatchError';
    this.contentType = contentType;
  }
}

/** One server-side-apply conflict: `manager` owns `field` (upstream path syntax) with another value. */
export interface ApplyConflict {
  manager: string;
  field: string;
  /** The apiVersion the other manager last wrote with, when recorded. */
  apiVersion?: string;
}

/** Server-side apply found conflicts and `force` was not set (apiserver: 409 Conflict with causes). */
export class ApplyConflictError extends Error {
  readonly conflicts: ApplyConflict[];
  constructor(conflicts: ApplyConflict[]) {
    super(applyConflictMessage(conflicts));
    this.name = 'ApplyConflictError';
    this.conflicts = conflicts;
  }
}

/** Upstream's wording: `Apply failed with 1 conflict: conflict with "m" using apps/v1: .spec.replicas`. */
export function applyConflictMessage(conflicts: ApplyConflict[]): string {
  const n = conflicts.length;
  const head = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: `;
  if (n === 1) {
    const c = conflicts[0]!;
    return `${head}conflict with ${JSON.stringify(c.manager)}${c.apiVersion ? ` using ${c.apiVersion}` : ''}: ${c.field}`;
  }
  const byManager = new Map<string, ApplyConflict[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c]);
  const parts = [...byManager.entries()].map(([m, cs]) => {
    const v = cs[0]!.apiVersion;
    return `conflicts with ${JSON.stringify(m)}${v ? ` using ${v}` : ''}:\n${cs.map((c) => `- ${c.field}`).join('\n')}`;
  });
  return head + parts.join('\n');
}
