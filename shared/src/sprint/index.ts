export * from './dependency-graph.js';
export * from './epic-tasks.js';
export * from './errors.js';
export * from './plan-sprints.js';
export * from './render-text-gantt.js';
export * from './render-timeline-html.js';
export * from './schemas.js';
export * from './working-days.js';
