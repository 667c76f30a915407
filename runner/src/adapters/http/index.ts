export * from './atlassian-auth.js';
export * from './atlassian-clients.js';
export * from './atlassian-error.js';
export type { AdapterLogger } from './call-runner.js';
export * from './configured-auth.js';
export * from './retry.js';
export * from './site-limiter.js';
