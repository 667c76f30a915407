export * from './roles.js';
export * from './team-member.js';
