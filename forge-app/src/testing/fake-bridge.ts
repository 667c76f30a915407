/**
 * A stand-in for the host page's `__bridge`, which the UI Kit reconciler and `@forge/bridge` call: `reconcile`
 * carries the rendered ForgeDoc, `invoke` reaches a resolver, `getContext` returns the product context.
 * Must be installed before `@forge/bridge` or `@forge/react` is imported (see forge-ui.tsx).
 */
export interface BridgeCall {
  cmd: string;
  data: unknown;
}

type InvokeHandler = (
  functionKey: string,
  payload: unknown,
  context: Record<string, unknown>,
) => Promise<unknown>;

export const bridgeState: {
  calls: BridgeCall[];
  context: Record<string, unknown>;
  invoke: InvokeHandler;
} = {
  calls: [],
  context: {},
  invoke: async (functionKey) => {
    throw new Error(`no resolver wired for ${functionKey}`);
  },
};

/**
 * Routes `invoke` to a real Forge function handler (as produced by `Resolver#getDefinitions`), passing
 * the product context the way the platform does.
 */
export function routeInvokesTo(
  handler: (
    p: { call: { functionKey: string; payload?: unknown }; context: Record<string, unknown> },
    backendRuntimePayload?: Record<string, unknown>,
  ) => Promise<unknown>,
  context: Record<string, unknown>,
  accountId: () => string | undefined = () => 'user-1',
): void {
  bridgeState.context = context;
  bridgeState.invoke = (functionKey, payload, ctx) => {
    const user = accountId();
    return handler(
      { call: { functionKey, payload }, context: ctx },
      user ? { principal: { accountId: user } } : {},
    );
  };
}

export function installFakeBridge(): void {
  const g = globalThis as Record<string, unknown>;
  // The reconciler reads `self.__bridge`; @forge/bridge reads `globalThis.__bridge`.
  g.self = g;
  g.__bridge = {
    callBridge: async (cmd: string, data: unknown) => {
      bridgeState.calls.push({ cmd, data });
      if (cmd === 'getContext') return structuredClone(bridgeState.context);
      if (cmd === 'invoke') {
        const { functionKey, payload } = data as { functionKey: string; payload: unknown };
        return bridgeState.invoke(functionKey, payload, bridgeState.context);
      }
      return undefined;
    },
  };
}

/** Console errors other than the resolvers' own failure logs (React warnings, uncaught render errors). */
export function unexpectedConsoleErrors(calls: unknown[][]): string[] {
  return calls.map((args) => args.map(String).join(' ')).filter((line) => !line.startsWith('resolver '));
}
