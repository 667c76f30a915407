// PRD -> story sync: parse the story table of a Confluence page, plan the sync, write links back.
export { decodeEntities } from './decode-entities.js';
export { isStoryHeading } from './find-story-table.js';
export { formatPrdParseText } from './format-prd-parse.js';
export { parseAcceptanceCriteria } from './parse-acceptance-criteria.js';
export { normaliseTitle, parsePrdPage } from './parse-prd-page.js';
export { type PlanPrdSyncOptions, planPrdSync, prdLinkEdit, prdPlaceholderEdits } from './plan-prd-sync.js';
export { PrdError, type PrdErrorCode } from './prd-error.js';
export * from './prd-schemas.js';
export { findTempId, keyFromUrl, placeholderMarker } from './ticket-cell.js';
export { type WriteBackOptions, writeBackPrdTable } from './write-back-prd-table.js';
