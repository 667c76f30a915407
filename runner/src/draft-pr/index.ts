export * from './engine.js';
export * from './engines.js';
export * from './from-env.js';
export * from './jira-story.js';
export * from './llm-planner.js';
export * from './planner.js';
export * from './verify-commands.js';
