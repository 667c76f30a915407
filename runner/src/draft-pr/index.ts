export * from './engine.js';
export * from './planner.js';
export * from './verify-commands.js';
