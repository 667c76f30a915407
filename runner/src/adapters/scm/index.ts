export * from './bitbucket-client.js';
export * from './create-scm-client.js';
export * from './github-client.js';
export * from './scm-client.js';
