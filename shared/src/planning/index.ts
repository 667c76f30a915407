// Planning: the rule-based engine (no AI key needed) and the schemas the LLM path must also fill.
export * from './analyze-story.js';
export * from './analyze-story-coverage.js';
export * from './criteria.js';
export * from './dedupe-test-cases.js';
export * from './dependencies.js';
export * from './derive-criteria.js';
export * from './detect-signals.js';
export * from './estimate-ticket.js';
export * from './extract-entities.js';
export * from './generate-stories.js';
export * from './generate-team-tasks.js';
export * from './generate-test-cases.js';
export * from './generate-ticket-description.js';
export * from './html-to-text.js';
export * from './match-existing-stories.js';
export * from './plan-cross-cutting.js';
export * from './plan-document.js';
export * from './plan-epic.js';
export * from './product-profile.js';
export * from './read-plan-source.js';
export * from './schemas.js';
export * from './score-readiness.js';
// Word-level similarity (stemmed content words), for callers that rank text the way the planners do.
export { containment, contentTokens } from './text.js';
export * from './ticket-sections.js';
export * from './validate-epic-plan.js';
export type { CrossCuttingId, CrossCuttingKind } from './work-rules.js';
