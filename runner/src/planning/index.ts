// The runner-side planning service, shared by the planning jobs and routes.
export * from './adf-markdown.js';
export * from './assemble-plan.js';
export * from './epic-context.js';
export * from './generate.js';
export * from './jira-writer.js';
export * from './llm-schemas.js';
export * from './markdown.js';
export * from './planning-service.js';
export * from './structured.js';
