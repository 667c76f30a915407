/**
 * Renders UI Kit (@forge/react) apps in tests: a fake `__bridge` answers the reconciler and `@forge/bridge`
 * (invoke, getContext), and helpers read and click the ForgeDoc tree the reconciler would send to Jira.
 *
 * The bridge must exist before `@forge/bridge` loads (it binds `__bridge.callBridge` at import), so test
 * files call `await vi.hoisted(async () => (await import('../testing/fake-bridge')).installFakeBridge())`
 * before importing any frontend module.
 */
import ForgeReconciler from '@forge/react';
import { act, type ReactElement, useState } from 'react';
import { type BridgeCall, bridgeState } from './fake-bridge';

export interface ForgeNode {
  type: string;
  props: Record<string, unknown>;
  children: ForgeNode[];
}

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function textOf(node: ForgeNode): string {
  if (node.type === 'String') return String(node.props.text ?? '');
  return node.children.map(textOf).join('');
}

function walk(node: ForgeNode, visit: (n: ForgeNode) => void): void {
  visit(node);
  for (const child of node.children) walk(child, visit);
}

export interface Rendered {
  root: ForgeNode;
  /** Every text on screen: text nodes and titles/captions. */
  texts(): string[];
  hasText(fragment: string): boolean;
  all(type: string): ForgeNode[];
  button(label: string): ForgeNode | undefined;
  click(label: string): Promise<void>;
  type(name: string, value: string): Promise<void>;
  choose(name: string, value: unknown): Promise<void>;
  pickDate(name: string, value: string): Promise<void>;
  waitFor(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  waitForText(fragment: string, timeoutMs?: number): Promise<void>;
  invokes(functionKey?: string): BridgeCall[];
  unmount(): Promise<void>;
}

/** Lets a test unmount its app, so its polling stops before the next test renders another root. */
function Gate({ element, onHide }: { element: ReactElement; onHide: (hide: () => void) => void }) {
  const [shown, setShown] = useState(true);
  onHide(() => setShown(false));
  return shown ? element : null;
}

export async function renderForge(element: ReactElement): Promise<Rendered> {
  let hide: () => void = () => {};
  return attachToRender(
    () =>
      ForgeReconciler.render(
        <Gate
          element={element}
          onHide={(h) => {
            hide = h;
          }}
        />,
      ),
    () => hide(),
  );
}

/**
 * Runs `render` (which must render one new UI Kit root, e.g. by importing an entry module) and returns
 * helpers over that root. Without `hide`, unmount does nothing.
 */
export async function attachToRender(render: () => unknown, hide: () => void = () => {}): Promise<Rendered> {
  const firstCall = bridgeState.calls.length;
  await act(async () => {
    await render();
  });
  const reconcile = bridgeState.calls.slice(firstCall).find((c) => c.cmd === 'reconcile');
  if (!reconcile) throw new Error('the app did not render');
  const root = (reconcile.data as { forgeDoc: ForgeNode }).forgeDoc;

  const all = (type: string) => {
    const found: ForgeNode[] = [];
    walk(root, (n) => {
      if (n.type === type) found.push(n);
    });
    return found;
  };
  const texts = () => {
    const out: string[] = [];
    walk(root, (n) => {
      if (n.type === 'String') out.push(String(n.props.text));
      for (const prop of ['title', 'caption', 'label']) {
        if (typeof n.props[prop] === 'string' && n.type !== 'Button') out.push(n.props[prop] as string);
      }
    });
    return out;
  };
  const byName = (name: string) => {
    let found: ForgeNode | undefined;
    walk(root, (n) => {
      if (!found && n.props.name === name) found = n;
    });
    if (!found) throw new Error(`no field named "${name}" on screen; texts: ${JSON.stringify(texts())}`);
    return found;
  };
  const button = (label: string) =>
    [...all('Button'), ...all('LoadingButton')].find((b) => textOf(b).trim() === label);
  const fire = async (fn: unknown, ...args: unknown[]) => {
    if (typeof fn !== 'function') throw new Error('handler missing');
    await act(async () => {
      await fn(...args);
    });
  };

  const rendered: Rendered = {
    root,
    texts,
    hasText: (fragment) => texts().some((t) => t.includes(fragment)),
    all,
    button,
    async click(label) {
      const b = button(label);
      if (!b) throw new Error(`no button "${label}" on screen; texts: ${JSON.stringify(texts())}`);
      if (b.props.isDisabled === true) throw new Error(`button "${label}" is disabled`);
      await fire(b.props.onClick);
    },
    type: (name, value) => fire(byName(name).props.onChange, { target: { value } }),
    async choose(name, value) {
      const select = byName(name);
      const options = (select.props.options ?? []) as { value: unknown }[];
      const option = options.find((o) => o.value === value);
      if (!option) throw new Error(`select "${name}" has no option ${String(value)}`);
      await fire(select.props.onChange, option);
    },
    pickDate: (name, value) => fire(byName(name).props.onChange, value),
    async waitFor(check, what, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; texts: ${JSON.stringify(texts())}`);
        await act(async () => {
          await sleep(5);
        });
      }
    },
    waitForText: (fragment, timeoutMs) =>
      rendered.waitFor(() => rendered.hasText(fragment), `text "${fragment}"`, timeoutMs),
    invokes: (functionKey) =>
      bridgeState.calls
        .slice(firstCall)
        .filter(
          (c) =>
            c.cmd === 'invoke' &&
            (functionKey === undefined || (c.data as { functionKey: string }).functionKey === functionKey),
        ),
    async unmount() {
      await act(async () => hide());
    },
  };
  return rendered;
}
