// PRD -> story sync: parse the story table of a Confluence page, plan the sync, write links back.
export { formatPrdParseText } from './format-prd-parse.js';
export { parseAcceptanceCriteria } from './parse-acceptance-criteria.js';
export { normaliseTitle as normalisePrdTitle, parsePrdPage } from './parse-prd-page.js';
export { type PlanPrdSyncOptions, planPrdSync, prdLinkEdit, prdPlaceholderEdits } from './plan-prd-sync.js';
export { PrdError, type PrdErrorCode } from './prd-error.js';
export * from './prd-schemas.js';
export { findTempId as findPrdTempId, placeholderMarker as prdPlaceholderMarker } from './ticket-cell.js';
export { type PrdWriteBackOptions, writeBackPrdTable } from './write-back-prd-table.js';
