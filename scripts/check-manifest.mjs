#!/usr/bin/env node
// Offline check of the Forge manifest: @forge/manifest's validate() plus @forge/lint's client-side linters.
// `forge lint` needs a login, and PermissionLinter downloads a scope spec, so both are avoided here.
// Usage: node scripts/check-manifest.mjs [path/to/manifest.yml]   (exit 1 on any error)
//
// The manifest's variables (AUGMENT_RUNNER_URL) have no default, so `forge deploy` refuses to deploy without
// them. Here a missing one is checked with a placeholder and reported; a runner URL that Forge cannot
// call (not https://) is an error.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const { validate } = require('@forge/manifest');
const forgeLint = require('@forge/lint');
const yaml = require('yaml');

const SOURCE_ROOTS = ['src', 'forge-app/src'];
const SOURCE_EXT = new Set(['.ts', '.tsx', '.js', '.jsx']);

function listSources(root, dir) {
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    // Test support is never bundled by Forge.
    if (entry.isDirectory())
      return ['node_modules', 'testing'].includes(entry.name) ? [] : listSources(root, rel);
    if (!SOURCE_EXT.has(extname(entry.name))) return [];
    // Tests and type declarations are not bundled by Forge.
    if (/\.test\.[jt]sx?$/.test(entry.name) || entry.name.endsWith('.d.ts')) return [];
    return [rel];
  });
}

const quietLogger = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };
// Only consulted for runtime deprecations; an offline check has no feature-flag service.
const offlineStatsig = { getDeprecatedRuntimes: async () => [] };

async function checkManifest(manifestPath) {
  const appRoot = dirname(manifestPath);
  const problems = [];

  const validation = await validate(false, manifestPath);
  for (const e of validation.errors ?? []) {
    problems.push({
      level: e.level ?? 'error',
      source: 'validate',
      where: `manifest.yml:${e.line ?? 0}`,
      message: e.message,
    });
  }
  if (!validation.success && problems.every((p) => p.level !== 'error')) {
    problems.push({
      level: 'error',
      source: 'validate',
      where: 'manifest.yml',
      message: 'validation failed',
    });
  }

  const manifest = yaml.parse(readFileSync(manifestPath, 'utf8'));
  // The linters resolve handler files and tsconfig relative to the working directory.
  const previousCwd = process.cwd();
  process.chdir(appRoot);
  try {
    const all = await forgeLint.getClientSideLintersOnly(
      manifest,
      'development',
      quietLogger,
      offlineStatsig,
    );
    const linters = all.filter((l) => l.constructor.name !== 'PermissionLinter');
    const files = SOURCE_ROOTS.flatMap((dir) => listSources(appRoot, dir));
    const lintWith = (selected) =>
      forgeLint.lint(files, manifest, 'development', quietLogger, offlineStatsig, {
        linter: { mode: 'client-side' },
        linters: selected,
      });
    // HandlerLinter reports a handler missing from src/index as a warning, but such a function fails on
    // every invocation, so its findings count as errors here.
    const isHandlerLinter = (l) => l.constructor.name === 'HandlerLinter';
    const [strict, regular] = await Promise.all([
      lintWith(linters.filter(isHandlerLinter)),
      lintWith(linters.filter((l) => !isHandlerLinter(l))),
    ]);
    const collect = (results, warningLevel) => {
      for (const r of results) {
        const file = r.file ? relative(appRoot, resolve(appRoot, r.file)) : 'manifest.yml';
        for (const e of r.errors)
          problems.push({ level: 'error', source: 'lint', where: `${file}:${e.line}`, message: e.message });
        for (const e of r.warnings)
          problems.push({
            level: warningLevel,
            source: 'lint',
            where: `${file}:${e.line}`,
            message: e.message,
          });
      }
    };
    collect(strict, 'error');
    collect(regular, 'warning');
    return { problems, linters: linters.map((l) => l.constructor.name), files };
  } finally {
    process.chdir(previousCwd);
  }
}

/** Variables the manifest declares; unset ones get a placeholder so the rest can still be checked. */
function prepareVariables(manifestPath) {
  const manifest = yaml.parse(readFileSync(manifestPath, 'utf8'));
  const notes = [];
  const problems = [];
  for (const v of manifest.environment?.variables ?? []) {
    const key = typeof v === 'string' ? v : v?.key;
    if (!key || (typeof v === 'object' && v.default !== undefined)) continue;
    const value = process.env[key];
    if (value === undefined || value === '') {
      process.env[key] = `https://${key.toLowerCase().replace(/_/g, '-')}.invalid`;
      notes.push(
        `${key} is not set: checked with a placeholder; forge deploy needs it (${key}=https://... forge deploy)`,
      );
    } else if (key === 'AUGMENT_RUNNER_URL' && !/^https:\/\/[^\s/]+/.test(value)) {
      problems.push({
        level: 'error',
        source: 'variables',
        where: 'manifest.yml',
        message: `${key} must be the runner's public https:// URL (Forge Remote only calls HTTPS): ${value}`,
      });
    }
  }
  return { notes, problems };
}

const manifestPath = resolve(process.argv[2] ?? 'manifest.yml');
try {
  const variables = prepareVariables(manifestPath);
  for (const note of variables.notes) console.log(`note: ${note}`);
  const checked = await checkManifest(manifestPath);
  const { linters, files } = checked;
  const problems = [...variables.problems, ...checked.problems];
  for (const p of problems) console.log(`${p.level} [${p.source}] ${p.where} ${p.message}`);
  const errors = problems.filter((p) => p.level === 'error').length;
  const warnings = problems.length - errors;
  console.log(
    `manifest check: ${errors} error(s), ${warnings} warning(s); validate() + ${linters.length} linters over ${files.length} files`,
  );
  process.exitCode = errors > 0 ? 1 : 0;
} catch (error) {
  console.error(`manifest check failed to run: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
