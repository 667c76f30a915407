import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Prompt templates live as Markdown files next to this module. `{{name}}` inserts a value as is;
 * `{{name|data}}` fences it as data inside `<name>...</name>` so user-written text (tickets, PRDs,
 * extra context) cannot pose as instructions or close its own fence.
 */
const PROMPT_DIR = fileURLToPath(new URL('.', import.meta.url));
const TEMPLATE_NAME = /^[a-z0-9][a-z0-9-]*$/;
const PLACEHOLDER = /\{\{\s*([a-z_][a-z0-9_]*)\s*(?:\|\s*(data)\s*)?\}\}/gi;

export type PromptVars = Record<string, string | number | undefined>;

const cache = new Map<string, string>();

/** Reads `<name>.md` from the prompts folder (cached; `dir` is for tests). */
export function loadTemplate(name: string, dir: string = PROMPT_DIR): string {
  if (!TEMPLATE_NAME.test(name)) throw new Error(`Invalid prompt template name "${name}"`);
  const key = `${dir}\0${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(join(dir, `${name}.md`), 'utf8').replace(/\s+$/, '');
    cache.set(key, text);
  }
  return text;
}

/** Fills a template in one pass: inserted values are never scanned for placeholders themselves. */
export function renderTemplate(template: string, vars: PromptVars): string {
  return template.replace(PLACEHOLDER, (_m, name: string, mode: string | undefined) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`Prompt variable "${name}" is missing`);
    return mode ? fenceData(name, String(value)) : String(value);
  });
}

export function renderPrompt(name: string, vars: PromptVars = {}, dir?: string): string {
  return renderTemplate(loadTemplate(name, dir), vars);
}

/**
 * Wraps text in `<tag>` ... `</tag>`. Any opening or closing `tag` inside the text is defanged
 * (its `<` becomes `&lt;`), so the text cannot end the fence early and smuggle instructions out.
 */
export function fenceData(tag: string, text: string): string {
  if (!/^[a-z_][a-z0-9_-]*$/i.test(tag)) throw new Error(`Invalid data tag "${tag}"`);
  const escaped = tag.replace(/[-]/g, '\\-');
  const markers = new RegExp(`<(\\s*\\/?\\s*${escaped})(?=[\\s>/]|$)`, 'gi');
  return `<${tag}>\n${text.replace(markers, '&lt;$1')}\n</${tag}>`;
}
