export * from './adf.js';
export { IDEMPOTENCY_LABEL_PREFIX, IDEMPOTENCY_PROPERTY, idempotencyLabel } from './idempotency.js';
export {
  createJiraClient,
  JIRA_BATCH_LIMIT,
  type JiraClientOptions,
  JsJiraClient,
  resolveFieldNames,
} from './jira-client.js';
export * from './jira-types.js';
