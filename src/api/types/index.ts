// All API object types.
export * from './meta.js';
export * from './core.js';
export * from './apps.js';
