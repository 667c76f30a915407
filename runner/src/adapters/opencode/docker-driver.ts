/**
 * Docker sandbox: one hardened container per job from OPENCODE_DOCKER_IMAGE running `opencode serve`.
 * Non-root, no capabilities, no privilege escalation, read-only root with tmpfs scratch space, memory /
 * CPU / pids limits, and only the internal MCP network (no route out; the LLM endpoint is reached through
 * an egress proxy on that network when one is configured). Containers carry `augment.*` labels so a
 * worker can find and remove leftovers of a crash on start; every run removes its own container.
 */
import { randomBytes } from 'node:crypto';
import { chown, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { redactedCause } from '../../errors.js';
import { type Logger, scrubSecrets } from '../../logger.js';
import { MCP_NETWORK } from '../mcp/servers.js';
import { OpenCodeError } from './errors.js';
import {
  baseSandboxEnv,
  type SandboxDriver,
  type SandboxExit,
  type SandboxHandle,
  type SandboxJob,
} from './sandbox.js';

export const LABEL_MANAGED = 'augment.managed';
export const LABEL_COMPONENT = 'augment.component';
export const LABEL_JOB = 'augment.job_id';
export const LABEL_WORKER = 'augment.worker_id';

export const CONTAINER_WORKSPACE = '/workspace';
export const CONTAINER_CONFIG = '/app/opencode.json';
export const CONTAINER_HOME = '/home/opencode';
export const CONTAINER_PORT = 4096;

export interface DockerDriverOptions {
  docker: Docker;
  image: string;
  /** Identifies this worker on the Docker host; its leftovers are removed on start. */
  workerId: string;
  log: Logger;
  /** The internal network shared with the MCP servers. */
  network?: string;
  /** `uid:gid` the container runs as (never root). */
  user?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  /** An allow-listing HTTP(S) proxy on the internal network through which the LLM endpoint is reached. */
  egressProxyUrl?: string;
  /** Hosts the sandbox reaches directly (the MCP services); they bypass the proxy. */
  noProxyHosts?: readonly string[];
  startupTimeoutMs?: number;
  stopTimeoutSeconds?: number;
  entrypoint?: string[];
}

export const DEFAULT_SANDBOX_USER = '1000:1000';
const LISTENING = /opencode server listening on/;
const OUTPUT_TAIL = 8_000;

const statusOf = (err: unknown) => (err as { statusCode?: number } | undefined)?.statusCode;

/** The exact create options of a job's container (exported so they can be checked line by line). */
export function containerCreateOptions(
  job: SandboxJob,
  opts: DockerDriverOptions,
): Docker.ContainerCreateOptions {
  const env: Record<string, string> = {
    HOME: CONTAINER_HOME,
    XDG_CONFIG_HOME: `${CONTAINER_HOME}/.config`,
    XDG_DATA_HOME: `${CONTAINER_HOME}/.local/share`,
    XDG_CACHE_HOME: `${CONTAINER_HOME}/.cache`,
    XDG_STATE_HOME: `${CONTAINER_HOME}/.local/state`,
    ...baseSandboxEnv(CONTAINER_CONFIG, job.serverPassword),
    ...job.env,
  };
  if (opts.egressProxyUrl) {
    env.HTTPS_PROXY = opts.egressProxyUrl;
    env.HTTP_PROXY = opts.egressProxyUrl;
    env.NO_PROXY = ['localhost', '127.0.0.1', ...(opts.noProxyHosts ?? [])].join(',');
  }
  const safeJob = job.jobId.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  const memory = opts.memoryBytes ?? 2 * 1024 ** 3;
  return {
    name: `augment-opencode-${safeJob}-${randomBytes(4).toString('hex')}`,
    Image: opts.image,
    Entrypoint: opts.entrypoint ?? ['opencode'],
    Cmd: ['serve', '--hostname', '0.0.0.0', '--port', String(CONTAINER_PORT)],
    User: opts.user ?? DEFAULT_SANDBOX_USER,
    WorkingDir: CONTAINER_WORKSPACE,
    Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABEL_MANAGED]: 'true',
      [LABEL_COMPONENT]: 'opencode',
      [LABEL_JOB]: job.jobId,
      [LABEL_WORKER]: opts.workerId,
    },
    ExposedPorts: { [`${CONTAINER_PORT}/tcp`]: {} },
    StopTimeout: opts.stopTimeoutSeconds ?? 5,
    HostConfig: {
      Binds: [`${job.workspaceDir}:${CONTAINER_WORKSPACE}:rw`, `${job.configPath}:${CONTAINER_CONFIG}:ro`],
      ReadonlyRootfs: true,
      Tmpfs: {
        '/tmp': 'rw,noexec,nosuid,nodev,size=256m',
        [CONTAINER_HOME]: 'rw,nosuid,nodev,size=512m,mode=1777',
      },
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: opts.nanoCpus ?? 1_500_000_000,
      PidsLimit: opts.pidsLimit ?? 256,
      NetworkMode: opts.network ?? MCP_NETWORK,
      Init: true,
      AutoRemove: false,
      Privileged: false,
    },
  };
}

/** Pulls the image unless present, logging pull progress (called once when a worker starts). */
export async function ensureImage(docker: Docker, image: string, log: Logger): Promise<'present' | 'pulled'> {
  try {
    await docker.getImage(image).inspect();
    log.info({ image }, 'OpenCode image present');
    return 'present';
  } catch (err) {
    if (statusOf(err) !== 404) throw dockerUnavailable(err);
  }
  log.info({ image }, 'pulling OpenCode image');
  const stream = (await docker.pull(image)) as NodeJS.ReadableStream;
  let last = 0;
  let lastKey = '';
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null) =>
        err
          ? reject(new OpenCodeError('sandbox_unavailable', `Pulling ${image} failed: ${err.message}`))
          : resolve(),
      (event: { status?: string; id?: string; progress?: string; error?: string }) => {
        if (event.error) log.warn({ image, error: event.error }, 'image pull error');
        const now = Date.now();
        const key = `${event.id ?? ''}:${event.status ?? ''}`;
        // Layer downloads report many times a second: log each change of state, and progress once a second.
        if (event.status && (key !== lastKey || now - last > 1000)) {
          last = now;
          lastKey = key;
          log.info(
            { image, status: event.status, layer: event.id, progress: event.progress },
            'image pull progress',
          );
        }
      },
    );
  });
  log.info({ image }, 'OpenCode image pulled');
  return 'pulled';
}

/** Creates the internal network (no outside route) if it does not exist yet. */
export async function ensureNetwork(docker: Docker, name: string): Promise<void> {
  const found = await docker.listNetworks({ filters: { name: [name] } });
  if (found.some((n) => n.Name === name)) return;
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    Internal: true,
    CheckDuplicate: true,
    Labels: { [LABEL_MANAGED]: 'true' },
  });
}

/**
 * Removes OpenCode containers left by a crash: every stopped one, this worker's, and any older than
 * `maxAgeMs` (longer than any run may last), so containers of other live workers are left alone.
 */
export async function cleanupLeftovers(
  docker: Docker,
  opts: { workerId: string; maxAgeMs: number; log: Logger; now?: number },
): Promise<string[]> {
  const now = opts.now ?? Date.now();
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_COMPONENT}=opencode`] },
  });
  const removed: string[] = [];
  for (const c of list) {
    const mine = c.Labels?.[LABEL_WORKER] === opts.workerId;
    const old = now - c.Created * 1000 > opts.maxAgeMs;
    const stopped = c.State !== 'running';
    if (!mine && !old && !stopped) continue;
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
      removed.push(c.Id);
      opts.log.info(
        { container: c.Id, job_id: c.Labels?.[LABEL_JOB] },
        'removed leftover OpenCode container',
      );
    } catch (err) {
      if (statusOf(err) !== 404)
        opts.log.warn({ container: c.Id, err: String(err) }, 'could not remove leftover container');
    }
  }
  return removed;
}

function dockerUnavailable(err: unknown): OpenCodeError {
  const msg = err instanceof Error ? err.message : String(err);
  return new OpenCodeError('sandbox_unavailable', `Docker is not available: ${msg}`, undefined, err);
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, uid, gid);
    else if (!entry.isSymbolicLink()) await chown(p, uid, gid);
  }
}

export function createDockerDriver(opts: DockerDriverOptions): SandboxDriver {
  const startupTimeoutMs = opts.startupTimeoutMs ?? 120_000;
  const network = opts.network ?? MCP_NETWORK;

  async function start(job: SandboxJob): Promise<SandboxHandle> {
    const { docker } = opts;
    const secrets = [
      job.serverPassword,
      ...Object.entries(job.env)
        .filter(([k]) => /KEY|TOKEN|PASSWORD/.test(k))
        .map(([, v]) => v),
    ];
    const user = opts.user ?? DEFAULT_SANDBOX_USER;
    // The non-root container user must be able to write result.json into the bind-mounted workspace.
    const [uid, gid] = user.split(':').map(Number);
    if (process.getuid?.() === 0 && uid !== undefined && gid !== undefined && !Number.isNaN(uid)) {
      await chownTree(job.workspaceDir, uid, gid);
    }

    let container: Docker.Container;
    try {
      container = await docker.createContainer(containerCreateOptions(job, opts));
    } catch (err) {
      throw statusOf(err)
        ? new OpenCodeError(
            'sandbox_failed',
            `Creating the OpenCode container failed: ${scrubSecrets(String((err as Error).message ?? err), secrets)}`,
            undefined,
            redactedCause(err, (text) => scrubSecrets(text, secrets)),
          )
        : dockerUnavailable(err);
    }

    let output = '';
    let removed: Promise<void> | undefined;
    const remove = () => {
      removed ??= (async () => {
        await container.stop({ t: opts.stopTimeoutSeconds ?? 5 }).catch(() => undefined);
        await container.remove({ force: true, v: true }).catch((err) => {
          if (statusOf(err) !== 404)
            opts.log.warn(
              { container: container.id, err: String(err) },
              'removing the OpenCode container failed',
            );
        });
      })();
      return removed;
    };

    try {
      await container.start();
      const logStream = (await container.logs({
        follow: true,
        stdout: true,
        stderr: true,
      })) as unknown as NodeJS.ReadableStream;
      const sink = new PassThrough();
      sink.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
      });
      docker.modem.demuxStream(logStream, sink, sink);
      logStream.on('end', () => sink.end());

      const exited: Promise<SandboxExit> = container
        .wait()
        .then((r: { StatusCode?: number }) => ({
          code: r.StatusCode ?? null,
          signal: null,
          output: scrubSecrets(output, secrets),
        }))
        .catch(() => ({ code: null, signal: null, output: scrubSecrets(output, secrets) }));

      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new OpenCodeError(
                'sandbox_failed',
                `OpenCode container did not start listening within ${startupTimeoutMs} ms`,
              ),
            ),
          startupTimeoutMs,
        );
        const onAbort = () =>
          reject(new OpenCodeError('cancelled', 'The job was cancelled while OpenCode was starting'));
        job.signal?.addEventListener('abort', onAbort, { once: true });
        const check = () => {
          if (LISTENING.test(output)) {
            done();
            resolve();
          }
        };
        const done = () => {
          clearTimeout(timer);
          job.signal?.removeEventListener('abort', onAbort);
          sink.off('data', check);
        };
        sink.on('data', check);
        void exited.then((e) => {
          done();
          reject(
            new OpenCodeError(
              'sandbox_failed',
              `OpenCode container exited before listening (code ${e.code ?? 'none'}): ${e.output.trim().slice(-500)}`,
            ),
          );
        });
        if (job.signal?.aborted) onAbort();
        check();
      });

      const info = await container.inspect();
      const ip = info.NetworkSettings?.Networks?.[network]?.IPAddress;
      if (!ip)
        throw new OpenCodeError('sandbox_failed', `OpenCode container has no address on network ${network}`);
      return {
        baseUrl: `http://${ip}:${CONTAINER_PORT}`,
        exited,
        stop: remove,
        info: { kind: 'docker', containerId: container.id },
      };
    } catch (err) {
      await remove();
      if (err instanceof OpenCodeError) throw err;
      throw new OpenCodeError(
        'sandbox_failed',
        `Starting the OpenCode container failed: ${scrubSecrets(String((err as Error).message ?? err), secrets)}`,
        undefined,
        redactedCause(err, (text) => scrubSecrets(text, secrets)),
      );
    }
  }

  return {
    kind: 'docker',
    mcpAddressing: 'network',
    sandboxPaths: () => ({ workspaceDir: CONTAINER_WORKSPACE, configPath: CONTAINER_CONFIG }),
    start,
  };
}
