import { planEpic } from '@augment/shared';
import { renderPlanText } from '../../runner/src/commands/plan.js';
import {
  INVOICING_EPIC_SUMMARY,
  INVOICING_PRD,
  INVOICING_RFC,
} from '../../shared/src/planning/fixtures/invoicing-prd.js';

const plan = planEpic({
  epic_key: 'INV-1',
  summary: INVOICING_EPIC_SUMMARY,
  prd_text: INVOICING_PRD,
  rfc_text: INVOICING_RFC,
});
console.log(renderPlanText(plan).split('TEST CASES')[0]);
