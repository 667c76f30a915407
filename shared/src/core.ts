// `@augment/shared/core`: the rules and lists with no dependencies (no zod, no parsers), for the Forge
// bundles. Everything here is also exported by `@augment/shared`. The imports have no `.js` suffix:
// Forge's webpack does not map `.js` to `.ts` (see forge-app/README.md), and so neither may the files
// they name import anything.
export * from './common/issue-key';
export * from './draft-pr/repo-url';
export * from './team/roles';
