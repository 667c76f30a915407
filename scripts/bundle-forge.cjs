#!/usr/bin/env node
// Bundles the Forge app offline with @forge/bundler, the bundler that `forge deploy` and `forge tunnel` run:
// the Node function bundle of every manifest handler module and one bundle per UI Kit (native) resource, with
// Forge's own webpack configuration. Then it loads the function bundle and checks that every handler the
// manifest names is an exported function.
// Offline differences from `forge deploy`: the Node runtime wrapper that the CLI downloads from Atlassian's CDN
// and adds beside the bundle is a placeholder (it is not part of what webpack builds), and nothing is uploaded.
// Usage: node scripts/bundle-forge.cjs [--json] [path/to/manifest.yml]   (exit 1 on any failure)
// Bundles are written to fresh folders under the system temp directory; --json prints where.
// CommonJS on purpose: @forge/bundler refuses to run without a CommonJS main module (require.main).
const { readdirSync, readFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { getNodeBundler, getEntryPoints, NativeUIBundler } = require('@forge/bundler');
const yaml = require('yaml');

const args = process.argv.slice(2);
const json = args.includes('--json');
const manifestPath = resolve(args.find((a) => !a.startsWith('--')) ?? 'manifest.yml');
const appDir = dirname(manifestPath);
const manifest = yaml.parse(readFileSync(manifestPath, 'utf8'));

const say = json ? () => {} : (line) => console.log(line);
const logger = { info() {}, warn: (m) => say(`warning: ${m}`), error() {}, debug() {}, trace() {} };
const placeholderWrapper = {
  getNodeRuntimeWrapper: async () => ({ script: '// offline placeholder', source: 'offline', version: '0' }),
  getNodeRuntimeLoader: async () => ({ script: '// offline placeholder', source: 'offline', version: '0' }),
};
const configReader = { readConfig: async () => manifest };

/** handler "index.issuePanelHandler" -> { module: "index", name: "issuePanelHandler" } */
const handlers = (manifest.modules?.function ?? []).map((f) => {
  const dot = f.handler.lastIndexOf('.');
  return { key: f.key, module: f.handler.slice(0, dot), name: f.handler.slice(dot + 1) };
});
const resources = (manifest.resources ?? []).map((r) => ({
  key: r.key,
  path: join(appDir, r.path),
  resourceType: 'nativeUI',
}));

const report = { node: undefined, resources: [], errors: [] };
process.chdir(appDir); // Forge resolves handler modules against <app>/src, as the CLI run from the app does.

const firstLines = (err) =>
  String(err?.message ?? err)
    .split('\n')
    .slice(0, 15)
    .join('\n');

async function main() {
  if (handlers.length > 0) await bundleFunctions();
  // All resources at once, as the CLI does.
  await Promise.all(resources.map(bundleResource));
  if (json) console.log(JSON.stringify(report));
  for (const e of report.errors) console.error(e);
  process.exit(report.errors.length ? 1 : 0);
}

async function bundleFunctions() {
  try {
    const out = await getNodeBundler(logger, placeholderWrapper, configReader).bundle({
      appDirectory: appDir,
      entryPoints: getEntryPoints(handlers),
    });
    const missing = [];
    for (const module of new Set(handlers.map((h) => h.module))) {
      const bundle = require(join(out.outputDir, `${module}.cjs`));
      for (const h of handlers.filter((x) => x.module === module)) {
        if (typeof bundle[h.name] !== 'function') missing.push(`${h.module}.${h.name} (function ${h.key})`);
      }
    }
    report.node = { outputDir: out.outputDir, files: readdirSync(out.outputDir) };
    if (missing.length)
      report.errors.push(`handlers not exported by the function bundle: ${missing.join(', ')}`);
    say(`function bundle: ${out.outputDir} (${report.node.files.join(', ')})`);
  } catch (err) {
    report.errors.push(`function bundle failed: ${firstLines(err)}`);
  }
}

async function bundleResource(r) {
  try {
    const out = await new NativeUIBundler(logger).bundleResources([r], undefined, false);
    for (const d of out.nativeUiBundlesDetails) {
      report.resources.push({ key: d.key ?? r.key, outputDir: d.path, files: readdirSync(d.path) });
      say(`resource ${r.key}: ${d.path}`);
    }
  } catch (err) {
    report.errors.push(`resource ${r.key} failed: ${firstLines(err)}`);
  }
}

main();
