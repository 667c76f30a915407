export * from './adf.js';
export * from './issue-key.js';
export * from './job-types.js';
