/**
 * Names that come from users or models and end up on a git command line or a file system path.
 * Everything here is an allow-list: a value that passes cannot leave the workspace, name git's own
 * metadata, or be read by git as an option.
 */

export class UnsafeNameError extends Error {
  constructor(
    readonly value: string,
    readonly reason: string,
  ) {
    super(`unsafe name ${JSON.stringify(value.slice(0, 200))}: ${reason}`);
    this.name = 'UnsafeNameError';
  }
}

const hasControlChar = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
};
const MAX_PATH = 1024;

/** Why a repository-relative path is unsafe, or null when it is safe. */
export function repoPathProblem(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'empty path';
  if (path.length > MAX_PATH) return `longer than ${MAX_PATH} characters`;
  if (hasControlChar(path)) return 'control characters are not allowed';
  if (path.includes('\\')) return 'backslashes are not allowed (use "/")';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'absolute paths are not allowed';
  if (path.startsWith('-')) return 'a leading "-" could be read as an option';
  if (path.startsWith(':')) return 'a leading ":" is git pathspec magic';
  for (const seg of path.split('/')) {
    if (seg === '') return 'empty path segment (leading, trailing or double "/")';
    if (seg === '.' || seg === '..') return '"." and ".." segments are not allowed';
    // Windows and macOS resolve ".GIT", ".git." and ".git " to the same directory.
    if (/^\.git[. ]*$/i.test(seg)) return 'paths inside .git are not allowed';
  }
  return null;
}

/** True when `path` is a safe repository-relative file path (see {@link assertSafeRepoPath}). */
export function isSafeRepoPath(path: string): boolean {
  return repoPathProblem(path) === null;
}

/**
 * Throws {@link UnsafeNameError} unless `path` is a relative path that stays inside the repository:
 * no absolute paths, no `.` or `..` segments, nothing under `.git`, no leading `-` or `:`, no
 * backslashes or control characters. Returns the path unchanged.
 */
export function assertSafeRepoPath(path: string): string {
  const problem = repoPathProblem(path);
  if (problem) throw new UnsafeNameError(String(path), problem);
  return path;
}

/**
 * The longest branch name git, GitHub and Bitbucket all take, in UTF-8 bytes: the full ref
 * `refs/heads/<name>` stays within 255 bytes (GitHub refuses longer refs; git itself would fail earlier
 * on most file systems only for a single component of more than 250 bytes).
 */
export const MAX_BRANCH_NAME_BYTES = 244;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const BRANCH_SPACE_OR_CONTROL = /[\u0000-\u0020\u007f-\u009f]/;
// Characters that do not show or that turn the text around: a branch name must read as what it is.
const BRANCH_INVISIBLE = /[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

/**
 * Why a branch name is refused, or null: the one branch-name rule, `git check-ref-format --branch`
 * (any language's letters included) with a length that GitHub and Bitbucket accept too, and nothing
 * git could read as an option or that would not show as written.
 */
export function branchNameProblem(name: string): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'empty branch name';
  if (new TextEncoder().encode(name).length > MAX_BRANCH_NAME_BYTES)
    return `longer than ${MAX_BRANCH_NAME_BYTES} bytes (UTF-8)`;
  if (BRANCH_SPACE_OR_CONTROL.test(name)) return 'spaces and control characters are not allowed';
  if (BRANCH_INVISIBLE.test(name)) return 'invisible or direction-changing characters are not allowed';
  if (/[~^:?*[\\]/.test(name)) return '"~", "^", ":", "?", "*", "[" and "\\" are not allowed';
  if (name.startsWith('-')) return 'a leading "-" could be read as an option';
  if (name.includes('..')) return '".." is not allowed';
  if (name.includes('@{')) return '"@{" is not allowed';
  if (name.endsWith('.lock') || name.endsWith('.') || name.endsWith('/')) return 'invalid ending';
  if (name === 'HEAD' || name === '@') return 'reserved name';
  for (const seg of name.split('/')) {
    if (seg === '') return 'empty component';
    if (seg.startsWith('.')) return 'a component may not start with "."';
    if (seg.endsWith('.lock')) return 'a component may not end with ".lock"';
  }
  return null;
}

/** True when `name` is a safe branch name (see {@link assertSafeBranchName}). */
export function isSafeBranchName(name: string): boolean {
  return branchNameProblem(name) === null;
}

/**
 * Throws {@link UnsafeNameError} unless `name` passes the branch-name rule ({@link branchNameProblem}):
 * no leading `-`, no `..`, no component starting with `.`, nothing git's ref rules reject.
 */
export function assertSafeBranchName(name: string): string {
  const problem = branchNameProblem(name);
  if (problem) throw new UnsafeNameError(String(name), problem);
  return name;
}

function slug(text: string, max: number): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return ascii.slice(0, max).replace(/-+$/g, '');
}

/**
 * The branch for a story: `augment/<KEY>-<title-slug>`, e.g. `augment/PROJ-12-add-login-rate-limit`.
 * Any input gives a valid, option-safe branch name: the key keeps only ASCII letters, digits and `-`,
 * the title becomes a lowercase slug of at most 48 characters.
 */
export function sanitizeBranchName(storyKey: string, title: string, prefix = 'augment'): string {
  const key =
    String(storyKey)
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/g, '') || 'story';
  const head = slug(prefix, 30) || 'augment';
  const tail = slug(String(title), 48);
  return tail ? `${head}/${key}-${tail}` : `${head}/${key}`;
}
