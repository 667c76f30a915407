export * from './engine.js';
export * from './from-env.js';
export * from './planner.js';
export * from './verify-commands.js';
