export * from './git-command.js';
export * from './git-env.js';
export * from './git-workspace.js';
export * from './parse-diff.js';
export * from './workspace-manager.js';
