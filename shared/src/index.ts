// Public surface of @augment/shared. Each area adds one re-export line.
export * from './api/index.js';
export * from './common/index.js';
export * from './draft-pr/index.js';
export * from './planning/index.js';
export * from './prd/index.js';
export * from './sprint/index.js';
export * from './team/index.js';
