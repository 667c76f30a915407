/** Confluence REST v2 pages: GET and PUT /wiki/api/v2/pages/{id} in storage format, with versions. */
import { asObject, type Ctx, confluenceError, ok, type Reply, requireWrite } from './http-kit.js';
import type { EmuPage } from './state.js';

/** Tiny link segment of a page id: little-endian bytes, base64 with + -> _ and / -> -, trailing A/= dropped. */
export function tinyId(pageId: string): string {
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

/**
 * Confluence refuses storage that is not well-formed XHTML ("Error parsing xhtml"). This checks tag
 * balance, which is the mistake table-editing code makes.
 */
export function storageError(storage: string): string | undefined {
  const text = storage.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(text); m; m = tag.exec(text)) {
    if (text.slice(last, m.index).includes('<'))
      return `Error parsing xhtml: unexpected '<' near offset ${last}`;
    last = m.index + m[0].length;
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (!closing) stack.push(name!);
    else {
      const open = stack.pop();
      if (open !== name)
        return `Error parsing xhtml: The element type "${open ?? name}" must be terminated by the matching end-tag "</${open ?? name}>".`;
    }
  }
  if (text.slice(last).includes('<')) return `Error parsing xhtml: unexpected '<' near offset ${last}`;
  if (stack.length > 0)
    return `Error parsing xhtml: The element type "${stack.at(-1)}" must be terminated by the matching end-tag "</${stack.at(-1)}>".`;
  return undefined;
}

function mustPage(ctx: Ctx, id: string): EmuPage {
  if (!/^\d+$/.test(id)) {
    throw confluenceError(
      400,
      'INVALID_REQUEST_PARAMETER',
      `Provided value {${id}} for 'id' is not the correct type. Expected type is ContentId`,
    );
  }
  const page = ctx.state.pages.get(id);
  if (!page || page.status === 'trashed') throw confluenceError(404, 'NOT_FOUND', 'Not Found');
  return page;
}

function pageJson(ctx: Ctx, p: EmuPage, bodyFormat: string | null): Record<string, unknown> {
  const space = ctx.state.spaces.find((s) => s.id === p.spaceId);
  const current = p.history.at(-1);
  return {
    id: p.id,
    status: p.status,
    title: p.title,
    spaceId: p.spaceId,
    parentId: p.parentId,
    parentType: p.parentId ? 'page' : null,
    position: 0,
    authorId: p.authorId,
    ownerId: p.authorId,
    createdAt: p.createdAt,
    version: {
      createdAt: current?.createdAt ?? p.createdAt,
      message: current?.message ?? '',
      number: p.version,
      minorEdit: false,
      authorId: current?.authorId ?? p.authorId,
    },
    body: bodyFormat === 'storage' ? { storage: { representation: 'storage', value: p.storage } } : {},
    _links: {
      webui: `/spaces/${space?.key ?? 'UNKNOWN'}/pages/${p.id}/${encodeURIComponent(p.title).replace(/%20/g, '+')}`,
      editui: `/pages/resumedraft.action?draftId=${p.id}`,
      tinyui: `/x/${tinyId(p.id)}`,
      base: `${ctx.baseUrl}/wiki`,
    },
  };
}

type Handler = (ctx: Ctx, params: string[]) => Reply;
export const confluenceRoutes: [string, RegExp, Handler][] = [
  [
    'GET',
    /^\/wiki\/api\/v2\/pages\/([^/]+)$/,
    (ctx, [id]) => {
      const format = ctx.query.get('body-format');
      if (format !== null && !['storage', 'atlas_doc_format', 'view'].includes(format)) {
        throw confluenceError(400, 'INVALID_REQUEST_PARAMETER', `Invalid value for body-format: ${format}`);
      }
      return ok(pageJson(ctx, mustPage(ctx, decodeURIComponent(id!)), format));
    },
  ],
  [
    'PUT',
    /^\/wiki\/api\/v2\/pages\/([^/]+)$/,
    (ctx, [rawId]) => {
      const page = mustPage(ctx, decodeURIComponent(rawId!));
      requireWrite(ctx, 'You do not have permission to edit this page.', 'confluence');
      const b = asObject(ctx.body);
      const body = asObject(b.body);
      const version = asObject(b.version);
      if (b.id !== undefined && String(b.id) !== page.id) {
        throw confluenceError(
          400,
          'INVALID_REQUEST_PARAMETER',
          'The id in the body does not match the id in the path.',
        );
      }
      if (typeof b.status !== 'string')
        throw confluenceError(400, 'INVALID_REQUEST_PARAMETER', 'status is required');
      if (typeof b.title !== 'string' || b.title.trim() === '')
        throw confluenceError(400, 'INVALID_REQUEST_PARAMETER', 'title is required');
      if (body.representation !== 'storage' || typeof body.value !== 'string') {
        throw confluenceError(
          400,
          'INVALID_REQUEST_PARAMETER',
          "body must be { representation: 'storage', value: string }",
        );
      }
      if (typeof version.number !== 'number')
        throw confluenceError(400, 'INVALID_REQUEST_PARAMETER', 'version.number is required');
      if (version.number !== page.version + 1) {
        throw confluenceError(
          409,
          'CONFLICT',
          `Version must be incremented on update. Current version is: ${page.version}`,
        );
      }
      const problem = storageError(body.value);
      if (problem) throw confluenceError(400, 'INVALID_REQUEST_PARAMETER', problem);
      page.title = b.title;
      page.storage = body.value;
      page.version = version.number;
      page.history.push({
        number: page.version,
        title: page.title,
        storage: page.storage,
        message: typeof version.message === 'string' ? version.message : '',
        authorId: ctx.user.accountId,
        createdAt: new Date().toISOString(),
      });
      return ok(pageJson(ctx, page, 'storage'));
    },
  ],
];
