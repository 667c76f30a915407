/** `augment emulator --seed`: starts the emulator on a fixed port and prints how to point the runner at it. */
import { DEMO_EPIC_KEY, DEMO_PRD_PAGE_ID, demoSeed } from './demo-seed.js';
import { type Emulator, startEmulator } from './server.js';

export interface EmulatorCliOptions {
  /** Load the demo data (default true); false starts empty but for the default accounts. */
  seed?: boolean;
  host?: string;
  print?: (line: string) => void;
}

/** Starts the emulator and prints its URL, accounts and the env lines for the runner. Resolves once listening. */
export async function runEmulatorCli(port = 4010, opts: EmulatorCliOptions = {}): Promise<Emulator> {
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const emu = await startEmulator({ port, host: opts.host, seed: opts.seed === false ? {} : demoSeed() });
  const { admin, reader } = emu.credentials;
  print(`Jira + Confluence emulator listening on ${emu.url}`);
  print('');
  print(`  Basic auth (read-write): ${admin.email} / ${admin.apiToken}`);
  print(`  Basic auth (read-only):  ${reader.email} / ${reader.apiToken}`);
  print(`  Bearer (Forge-style system token): ${admin.bearerToken}`);
  print('');
  print('  Runner environment:');
  print(`    JIRA_SERVER_URL=${emu.url}`);
  print(`    JIRA_USERNAME=${admin.email}`);
  print(`    JIRA_API_TOKEN=${admin.apiToken}`);
  print(`    CONFLUENCE_SERVER_URL=${emu.url}/wiki`);
  print(`    CONFLUENCE_USERNAME=${admin.email}`);
  print(`    CONFLUENCE_API_TOKEN=${admin.apiToken}`);
  if (opts.seed !== false) {
    print('');
    print(
      `  Demo data: project DEMO, epic ${DEMO_EPIC_KEY} (PRD page ${DEMO_PRD_PAGE_ID}), board 1 with sprints 1 (active) and 2`,
    );
    print(`  Try: curl -u ${admin.email}:${admin.apiToken} ${emu.url}/rest/api/3/issue/${DEMO_EPIC_KEY}`);
  }
  print('');
  print('  Press Ctrl+C to stop (the data lives in memory only).');
  return emu;
}
