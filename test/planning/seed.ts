/**
 * An invoicing epic with eight requirements in its PRD page (the shared planning fixture) and an RFC
 * page, in two projects: one planned by the rule-based engine, one by the LLM stand-in.
 */
import {
  INVOICING_EPIC_SUMMARY,
  INVOICING_PRD,
  INVOICING_RFC,
} from '../../shared/src/planning/fixtures/invoicing-prd.js';
import type { SeedData } from '../emulator/index.js';

export const PRD_PAGE = '2001';
export const RFC_PAGE = '2002';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Markdown (headings, bullets, paragraphs) as Confluence storage format. */
export function markdownToStorage(md: string): string {
  const out: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (list.length) out.push(`<ul>${list.map((i) => `<li><p>${xml(i)}</p></li>`).join('')}</ul>`);
    list = [];
  };
  for (const line of md.split('\n')) {
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    const b = /^\s*-\s+(.*)$/.exec(line);
    if (b) {
      list.push(b[1]!);
      continue;
    }
    flush();
    if (h) out.push(`<h${h[1]!.length}>${xml(h[2]!)}</h${h[1]!.length}>`);
    else if (line.trim()) out.push(`<p>${xml(line.trim())}</p>`);
  }
  flush();
  return out.join('');
}

export function planningSeed(project: string): SeedData {
  return {
    projects: [{ key: project, name: `Invoicing ${project}` }],
    issues: [
      {
        key: `${project}-1`,
        projectKey: project,
        issueType: 'Epic',
        summary: INVOICING_EPIC_SUMMARY,
        description:
          'Let finance teams create, send and collect invoices in the product instead of spreadsheets. ' +
          'See the PRD for the requirements and the RFC for the service design.',
        fields: {
          PRD: `{{baseUrl}}/wiki/spaces/INV/pages/${PRD_PAGE}/Invoicing+PRD`,
          RFC: `{{baseUrl}}/wiki/spaces/INV/pages/${RFC_PAGE}/Invoicing+RFC`,
        },
      },
      {
        key: `${project}-90`,
        projectKey: project,
        issueType: 'Task',
        summary: 'Export invoices as PDF',
        description: 'Finance managers need a PDF of each invoice to attach to emails.',
      },
    ],
    spaces: [{ key: 'INV', name: 'Invoicing' }],
    pages: [
      { id: PRD_PAGE, spaceKey: 'INV', title: 'Invoicing PRD', storage: markdownToStorage(INVOICING_PRD) },
      { id: RFC_PAGE, spaceKey: 'INV', title: 'Invoicing RFC', storage: markdownToStorage(INVOICING_RFC) },
    ],
  };
}
