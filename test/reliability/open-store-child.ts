/**
 * Opens the runner's stores the way a starting process does (createServices: the SQLite file, its pragmas
 * and migrations) on `count` fresh files in turn, the i-th at `start + i * every` ms, so that several such
 * processes open each fresh file at the same instant. Prints READY once loaded, reads `start` (epoch ms) on
 * stdin, then prints one JSON line: the errors met. Arguments: folder every count.
 */
import { join } from 'node:path';
import { parseEnv } from '../../runner/src/env.js';
import { createLogger } from '../../runner/src/logger.js';
import { createServices } from '../../runner/src/services.js';

const [dir, every, count] = [process.argv[2]!, Number(process.argv[3]), Number(process.argv[4])];
process.stdout.write('READY\n');
const start = await new Promise<number>((r) => process.stdin.once('data', (d) => r(Number(String(d)))));
const log = createLogger('silent');
const errors: string[] = [];
for (let i = 0; i < count; i++) {
  const at = start + i * every;
  while (Date.now() < at - 2) await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now() - 2)));
  while (Date.now() < at) {
    // spin the last milliseconds so every process starts within the same millisecond
  }
  try {
    const env = parseEnv({ DATABASE_PATH: join(dir, String(i), 'augment.db'), LOG_LEVEL: 'silent' });
    createServices(env, log, []).close();
  } catch (err) {
    errors.push(`${i}: ${(err as Error).message}`);
  }
}
process.stdout.write(`${JSON.stringify({ errors })}\n`);
process.exit(0);
