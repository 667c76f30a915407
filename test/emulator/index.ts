export { type EmulatorCliOptions, runEmulatorCli } from './cli.js';
export { DEMO_BOARD_ID, DEMO_EPIC_KEY, DEMO_PRD_PAGE_ID, DEMO_RFC_PAGE_ID, demoSeed } from './demo-seed.js';
export type { Fault, FaultRule } from './faults.js';
export type { SeedData, SeedIssue } from './seed.js';
export { type Emulator, type EmulatorCredentials, type EmulatorOptions, startEmulator } from './server.js';
export * from './state.js';
