export * from './job-types.js';
