export * from './team-member.js';
