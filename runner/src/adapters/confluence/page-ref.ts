/**
 * Page ids from the forms people paste: a plain id, /wiki/spaces/KEY/pages/123/Title,
 * /wiki/spaces/KEY/pages/edit-v2/123, ...viewpage.action?pageId=123, and tiny links /wiki/x/AbCd.
 * Tiny links are the page id's little-endian bytes in base64 with '+' -> '_' and '/' -> '-' and
 * trailing 'A's (zero bits) and '=' dropped, so they decode here with no request.
 */
import { AtlassianError } from '../http/atlassian-error.js';

const PAGE_ID = /^\d{1,20}$/;

function invalid(ref: string, why: string): AtlassianError {
  const shown = ref.length > 200 ? `${ref.slice(0, 200)}...` : ref;
  return new AtlassianError({
    service: 'confluence',
    upstreamStatus: 0,
    code: 'invalid_input',
    message: `Malformed Confluence page reference ${JSON.stringify(shown)}: ${why}`,
  });
}

export function isPageId(value: string): boolean {
  return PAGE_ID.test(value) && !/^0+$/.test(value);
}

/** The page id encoded by a tiny link's last segment, or undefined when it is not one. */
export function decodeTinyId(tiny: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(tiny)) return undefined;
  let b64 = tiny.replace(/_/g, '+').replace(/-/g, '/');
  while (b64.length % 4 !== 0 || b64.length < 8) b64 += 'A';
  const bytes = Buffer.from(b64, 'base64');
  let id = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) id = (id << 8n) | BigInt(bytes[i] ?? 0);
  return id > 0n ? id.toString() : undefined;
}

/** The tiny link segment of a page id (the inverse of decodeTinyId, used by the emulator and tests). */
export function encodeTinyId(pageId: string): string {
  let id = BigInt(pageId);
  const bytes: number[] = [];
  while (id > 0n) {
    bytes.push(Number(id & 0xffn));
    id >>= 8n;
  }
  while (bytes.length < 4) bytes.push(0);
  return Buffer.from(bytes)
    .toString('base64')
    .replace(/\+/g, '_')
    .replace(/\//g, '-')
    .replace(/[A=]+$/, '');
}

/** Resolves a page id from an id or a page URL; throws invalid_input (nothing is requested). */
export function parsePageRef(ref: string): string {
  const raw = typeof ref === 'string' ? ref.trim() : '';
  if (raw === '') throw invalid(String(ref), 'empty');
  if (isPageId(raw)) return raw;
  if (/^\d+$/.test(raw)) throw invalid(raw, 'a page id is a positive number');

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(raw, 'expected a numeric page id or a Confluence page URL');
  }
  const pageIdParam = url.searchParams.get('pageId');
  if (pageIdParam !== null) {
    if (isPageId(pageIdParam)) return pageIdParam;
    throw invalid(raw, 'its pageId parameter is not a number');
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const pagesAt = segments.indexOf('pages');
  if (pagesAt >= 0) {
    // .../pages/123/Title, .../pages/edit-v2/123, .../pages/edit/123, /wiki/api/v2/pages/123
    for (const seg of segments.slice(pagesAt + 1, pagesAt + 3)) if (isPageId(seg)) return seg;
  }
  const xAt = segments.indexOf('x');
  if (xAt >= 0 && segments[xAt + 1]) {
    const id = decodeTinyId(segments[xAt + 1] ?? '');
    if (id) return id;
    throw invalid(raw, 'its tiny link cannot be decoded');
  }
  if (segments.includes('display')) {
    throw invalid(
      raw,
      'links by title (/display/SPACE/Title) carry no page id; use the page link from "Copy link"',
    );
  }
  throw invalid(raw, 'no page id found in the URL');
}
