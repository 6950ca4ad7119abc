// Admission: the stage between authorization and storage. Mutating plugins run first
// (`admit`), then validation, then validating plugins (`validate`).
import type { KubeObject } from '../../api/types/index.js';
import type { ResourceInfo } from '../registry/resources.js';

/** Who is making the request (authentication fills this in). */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AdmissionAttributes {
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  resource: ResourceInfo;
  subresource?: string;
  namespace?: string;
  name: string;
  /** The object being written (mutable in `admit`). */
  object: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  /** Warnings for the client (`Warning` response headers); absent when nobody listens. */
  warnings?: string[];
  /** Annotations for this request's audit event. */
  auditAnnotations?: Record<string, string>;
}

/**
 * One admission plugin. Throwing a StatusError refuses the request with that status;
 * `admit` may mutate `attrs.object`.
 */
export interface AdmissionPlugin {
  readonly name: string;
  admit?(attrs: AdmissionAttributes): Promise<void> | void;
  validate?(attrs: AdmissionAttributes): Promise<void> | void;
}

/** The ordered chain as the store sees it. */
export interface Admission {
  admit(attrs: AdmissionAttributes): Promise<void>;
  validate(attrs: AdmissionAttributes): Promise<void>;
}

/** Runs plugins in order. */
export class AdmissionChain implements Admission {
  constructor(private readonly plugins: AdmissionPlugin[]) {}
  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.admit) await p.admit(attrs);
  }
  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) if (p.validate) await p.validate(attrs);
  }
}
