/**
 * Thrown when task dependencies form a cycle: no order can satisfy them, so there is no plan.
 * `cycle` lists the task keys of one cycle in dependency order (each task is blocked by the one before
 * it, and the first is blocked by the last).
 */
export class DependencyCycleError extends Error {
  readonly cycle: readonly string[];

  constructor(cycle: readonly string[]) {
    const loop = cycle.length > 0 ? [...cycle, cycle[0]].join(' -> ') : '';
    super(`Tasks depend on each other in a cycle: ${loop}`);
    this.name = 'DependencyCycleError';
    this.cycle = cycle;
  }
}

/**
 * Thrown by the planner for input that the `SprintPlanInput` schema would have rejected (callers that
 * skip the schema). `field` is the path of the offending value, e.g. `tasks[3].key`.
 */
export class SprintInputError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'SprintInputError';
    this.field = field;
  }
}
