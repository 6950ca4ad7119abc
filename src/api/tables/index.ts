// Server-side Table output (meta.k8s.io/v1 Table) for `kubectl get` (pure).
import type { KubeObject } from '../types/index.js';
import { DEFAULT_PRINTER, PRINTERS, type ColumnDefinition } from './columns.js';

export type { ColumnDefinition } from './columns.js';
export { humanDuration, age } from './duration.js';
export { podStatus } from './columns.js';

export interface TableOptions {
  now: number;
  /** What each row carries: the whole object, its metadata only, or nothing. */
  includeObject: 'Object' | 'Metadata' | 'None';
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: ColumnDefinition[];
  rows: { cells: (string | number | boolean)[]; object?: unknown }[];
}

/** Renders objects of `resource` as upstream's printers would. */
export function toTable(resource: string, objects: KubeObject[], o: TableOptions): Table {
  const p = PRINTERS[resource] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: p.columns,
    rows: objects.map((obj) => ({
      cells: p.row(obj, o.now),
      ...(o.includeObject === 'Object' ? { object: obj } : o.includeObject === 'Metadata' ? { object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata } } : {}),
    })),
  };
}
