/**
 * Picks and prepares the sandbox driver when a worker starts (OPENCODE_DRIVER): `docker` requires a
 * reachable engine, `process` runs opencode locally, `auto` uses Docker when it answers a ping and the
 * local process otherwise. Preparing Docker means: the internal network, removal of leftovers from a
 * crash, and the image (pulled with progress in the log).
 */
import Docker from 'dockerode';
import type { Logger } from '../../logger.js';
import { MCP_NETWORK } from '../mcp/servers.js';
import type { OpenCodeConfig } from './config.js';
import {
  cleanupLeftovers,
  createDockerDriver,
  type DockerDriverOptions,
  ensureImage,
  ensureNetwork,
} from './docker-driver.js';
import { OpenCodeError } from './errors.js';
import { createProcessDriver, type ProcessDriverOptions } from './process-driver.js';
import type { SandboxDriver } from './sandbox.js';

export interface SelectDriverOptions {
  log: Logger;
  /** Stable id of this worker on the Docker host (e.g. the host name). */
  workerId: string;
  /** A dockerode client; default: the local engine (DOCKER_HOST or /var/run/docker.sock). */
  docker?: Docker;
  process?: ProcessDriverOptions;
  dockerOptions?: Partial<Omit<DockerDriverOptions, 'docker' | 'image' | 'workerId' | 'log'>>;
}

async function dockerReachable(docker: Docker): Promise<string | undefined> {
  try {
    await docker.ping();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function selectSandboxDriver(
  config: OpenCodeConfig,
  opts: SelectDriverOptions,
): Promise<SandboxDriver> {
  if (config.driver === 'process') {
    opts.log.info('OpenCode sandbox: local process');
    return createProcessDriver(opts.process);
  }
  const docker = opts.docker ?? new Docker({ timeout: 5_000 });
  const problem = await dockerReachable(docker);
  if (problem) {
    if (config.driver === 'docker') {
      throw new OpenCodeError(
        'sandbox_unavailable',
        `Docker is not available (OPENCODE_DRIVER=docker): ${problem}`,
      );
    }
    opts.log.info(
      { reason: problem },
      'OpenCode sandbox: Docker not reachable, using the local process driver',
    );
    return createProcessDriver(opts.process);
  }
  const network = opts.dockerOptions?.network ?? MCP_NETWORK;
  await ensureNetwork(docker, network);
  await cleanupLeftovers(docker, {
    workerId: opts.workerId,
    maxAgeMs: config.timeoutMs + 10 * 60_000,
    log: opts.log,
  });
  await ensureImage(docker, config.dockerImage, opts.log);
  opts.log.info({ image: config.dockerImage, network }, 'OpenCode sandbox: Docker');
  return createDockerDriver({
    ...opts.dockerOptions,
    network,
    docker,
    image: config.dockerImage,
    workerId: opts.workerId,
    log: opts.log,
  });
}
