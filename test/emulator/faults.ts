/**
 * Fault injection by rule. Each request is checked against the rules in order; a rule fires when its
 * method and path match, its count is not used up and the seeded PRNG says so (probability).
 * - `latency` delays the request and lets the others rules and the handler run;
 * - `status` answers with that status (429 with Retry-After, 500, 503...) instead of the handler;
 * - `drop` destroys the socket: the client sees a reset / socket hang up.
 * With `phase: 'after'` the handler runs first (its changes are kept) and then the fault replaces the
 * answer: "the server did it but the client never heard", the case idempotent creates must survive.
 */
export type Fault =
  | { type: 'status'; status: number; retryAfter?: number | string; body?: unknown }
  | { type: 'latency'; ms: number }
  | { type: 'drop' };

export interface FaultRule {
  /** Glob on the path (without the gateway prefix and query), `*` = anything; or a RegExp. Default: all. */
  path?: string | RegExp;
  /** HTTP method; default any. */
  method?: string;
  /** Chance per matching request, 0..1. Default 1. */
  probability?: number;
  /** Fires at most this many times. Default unlimited. */
  count?: number;
  /** Default 'before'. */
  phase?: 'before' | 'after';
  fault: Fault;
}

interface LiveRule extends FaultRule {
  fired: number;
  matcher: RegExp;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

export class FaultPlan {
  #rules: LiveRule[] = [];

  constructor(
    rules: FaultRule[],
    private readonly random: () => number,
  ) {
    this.set(rules);
  }

  set(rules: FaultRule[]): void {
    this.#rules = rules.map((r) => ({
      ...r,
      fired: 0,
      matcher: r.path instanceof RegExp ? r.path : globToRegExp(r.path ?? '*'),
    }));
  }

  /** Faults that fire for this request in this phase, latency first, at most one terminal fault. */
  pick(method: string, path: string, phase: 'before' | 'after'): { latencyMs: number; terminal?: Fault } {
    let latencyMs = 0;
    for (const r of this.#rules) {
      if ((r.phase ?? 'before') !== phase) continue;
      if (r.method && r.method.toUpperCase() !== method) continue;
      if (!r.matcher.test(path)) continue;
      if (r.count !== undefined && r.fired >= r.count) continue;
      if (this.random() >= (r.probability ?? 1)) continue;
      r.fired++;
      if (r.fault.type === 'latency') latencyMs += r.fault.ms;
      else return { latencyMs, terminal: r.fault };
    }
    return { latencyMs };
  }
}
