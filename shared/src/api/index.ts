export * from './epic-requests.js';
export * from './jira-requests.js';
export * from './requests.js';
