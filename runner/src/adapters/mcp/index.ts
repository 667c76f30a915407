export * from './compose.js';
export * from './servers.js';
