/**
 * The `augment` command: run the service (serve, api, worker), the local emulator, and offline planning tools.
 * Each command group lives in its own file under commands/.
 */
import { Command } from 'commander';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerMcpCommands } from './commands/mcp.js';
import { registerPlanCommands } from './commands/plan.js';
import { registerPrdCommands } from './commands/prd.js';
import { registerServeCommands } from './commands/serve.js';
import { registerSprintCommands } from './commands/sprint.js';

const program = new Command();
program.name('augment').description('Augment: AI planning for Jira and Confluence').showHelpAfterError();

registerServeCommands(program);
registerEmulatorCommand(program);
registerMcpCommands(program);
registerPrdCommands(program);
registerSprintCommands(program);
registerPlanCommands(program);

await program.parseAsync(process.argv);
