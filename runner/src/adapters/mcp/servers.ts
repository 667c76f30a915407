/**
 * The MCP servers Augment runs beside OpenCode: one Bitbucket server per configured workspace (ports
 * 7001, 7002, ... in the order of BITBUCKET_WORKSPACES) and one Atlassian server for Jira/Confluence.
 * Names are shared by the compose file (service and host names) and the generated opencode.json.
 */
export const ATLASSIAN_MCP_PORT = 7000;
export const BITBUCKET_MCP_FIRST_PORT = 7001;
export const MCP_NETWORK = 'augment-mcp';

export interface McpServerSpec {
  kind: 'bitbucket' | 'atlassian';
  /** Key in opencode.json: `bitbucket-{workspace}` or `atlassian`. */
  name: string;
  /** Compose service and host name on the MCP network: `bitbucket-mcp-{workspace}`, `atlassian-mcp`. */
  service: string;
  port: number;
  workspace?: string;
}

export interface McpSettings {
  bitbucketWorkspaces: readonly string[];
  atlassian: boolean;
}

const WORKSPACE = /^[a-z0-9][a-z0-9_-]{0,61}$/;

/** Throws when a workspace slug could not be a Bitbucket workspace (and so not a host name either). */
export function assertWorkspaceSlug(workspace: string): void {
  if (!WORKSPACE.test(workspace)) {
    throw new Error(
      `BITBUCKET_WORKSPACES: "${workspace}" is not a valid workspace slug (lower-case letters, digits, "-" and "_")`,
    );
  }
}

/** Every MCP server of the installation, in a stable order. */
export function planMcpServers(settings: McpSettings): McpServerSpec[] {
  const seen = new Set<string>();
  const out: McpServerSpec[] = [];
  for (const raw of settings.bitbucketWorkspaces) {
    const workspace = raw.trim().toLowerCase();
    if (!workspace || seen.has(workspace)) continue;
    assertWorkspaceSlug(workspace);
    seen.add(workspace);
    out.push({
      kind: 'bitbucket',
      name: `bitbucket-${workspace}`,
      service: `bitbucket-mcp-${workspace}`,
      port: BITBUCKET_MCP_FIRST_PORT + out.length,
      workspace,
    });
  }
  if (settings.atlassian) {
    out.push({ kind: 'atlassian', name: 'atlassian', service: 'atlassian-mcp', port: ATLASSIAN_MCP_PORT });
  }
  return out;
}

/**
 * Where a sandbox reaches an MCP server: by service name on the MCP network (Docker sandbox), or on
 * the host's published port (local-process sandbox).
 */
export function mcpServerUrl(spec: McpServerSpec, addressing: 'network' | 'localhost'): string {
  const host = addressing === 'network' ? spec.service : '127.0.0.1';
  return `http://${host}:${spec.port}/mcp`;
}
