import { describe, expect, it } from 'vitest';
import { validateDependencies } from './dependencies.js';
import { estimateTicket } from './estimate-ticket.js';
import { generateTeamTasks } from './generate-team-tasks.js';
import { TaskPlan } from './schemas.js';

const createInvoice = {
  key: 'INV-2',
  title: 'Create invoices',
  description:
    'As a finance manager, I want to create an invoice for a customer with amount, currency and due date so that I can bill them.',
  acceptance_criteria: [
    'Given a signed-in finance manager, when they submit an invoice with amount, currency and due date, then the invoice is saved as draft',
    'Amount must be positive and currency must be a valid ISO 4217 code',
    'Only finance managers can create invoices',
  ],
};

describe('generateTeamTasks', () => {
  const plan = generateTeamTasks(createInvoice);
  const summaries = plan.tasks.map((t) => t.summary);

  it('returns a plan that satisfies the schema the LLM path must also fill', () => {
    expect(TaskPlan.parse(plan)).toEqual(plan);
    expect(plan.story_key).toBe('INV-2');
  });

  it("phrases each task with the story's own criteria, the verb first", () => {
    expect(summaries).toContain('Restrict creating invoices to finance managers');
    expect(summaries.some((s) => /^Save the invoice as draft when they submit an invoice/.test(s))).toBe(
      true,
    );
    expect(summaries.some((s) => /ISO 4217/.test(s))).toBe(true);
    expect(summaries).toContain(
      'Add the web app screen to create an invoice for a customer with amount, currency and due date',
    );
  });

  it('names the endpoints the story names rather than inventing paths', () => {
    const p = generateTeamTasks({
      title: 'Refund orders',
      description:
        'Support agents refund orders through POST /v2/orders/{orderId}/refunds with amount and reason.',
    });
    expect(p.tasks.map((t) => t.summary)).toContain(
      'Implement POST /v2/orders/{orderId}/refunds for refund orders',
    );
    expect(p.tasks.map((t) => t.summary).join(' ')).not.toMatch(/GET \/|data model/);
  });

  it('splits teams by story type: data and infrastructure work only when the story calls for it', () => {
    expect(new Set(plan.tasks.map((t) => t.team))).toEqual(new Set(['backend', 'frontend', 'qa']));
    const report = generateTeamTasks({
      title: 'Revenue report',
      description:
        'Build a nightly revenue report aggregated by customer, stored in an S3 bucket and cached in Redis.',
    });
    const teams = new Set(report.tasks.map((t) => t.team));
    expect(teams.has('data')).toBe(true);
    expect(teams.has('infrastructure')).toBe(true);
    expect(report.story_types).toContain('data');
  });

  it('links tasks by the team rules and emits Blocks relationships blocker first', () => {
    expect(validateDependencies(plan.tasks).valid).toBe(true);
    const fe = plan.tasks.find((t) => t.team === 'frontend')!;
    expect(fe.blocked_by_teams).toEqual(['backend']);
    const qa = plan.tasks.find((t) => t.team === 'qa')!;
    expect(qa.blocked_by_teams).toEqual(expect.arrayContaining(['backend', 'frontend']));
    for (const r of plan.relationships) {
      const dependent = plan.tasks.find((t) => t.id === r.to)!;
      expect(dependent.depends_on_tasks).toContain(r.from);
      expect(r.type).toBe('Blocks');
    }
  });

  it('attaches test cases to every task, tracing criteria to the tasks that implement them', () => {
    expect(plan.tasks.every((t) => t.test_cases.length > 0)).toBe(true);
    for (const c of createInvoice.acceptance_criteria) {
      expect(plan.tasks.some((t) => t.team !== 'qa' && t.covers_criteria?.includes(c))).toBe(true);
    }
    expect(
      generateTeamTasks(createInvoice, { include_tests: false }).tasks.every(
        (t) => t.test_cases.length === 0,
      ),
    ).toBe(true);
  });

  it('splits tasks longer than max_task_cycle_days into parts that keep team and dependencies', () => {
    const stripe = {
      title: 'Online payment',
      description:
        'As a customer, I want to pay an invoice online with Stripe so that I can settle my balance.',
      acceptance_criteria: [
        'When the Stripe payment succeeds, then the invoice status becomes paid',
        'Duplicate Stripe webhooks must not record the payment twice',
      ],
    };
    const whole = generateTeamTasks(stripe, { max_task_cycle_days: 30 });
    const split = generateTeamTasks(stripe, { max_task_cycle_days: 1 });
    expect(split.tasks.every((t) => t.estimate_days <= 1)).toBe(true);
    expect(split.tasks.length).toBeGreaterThan(whole.tasks.length);
    const total = (p: typeof whole) => p.tasks.reduce((n, t) => n + t.estimate_days, 0);
    expect(total(split)).toBe(total(whole));
    const parts = split.tasks.filter(
      (t) =>
        t.part &&
        t.id.startsWith(split.tasks.find((x) => x.part && x.team !== 'qa')!.id.replace(/-part-\d+$/, '')),
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.summary).toMatch(/\(part 1\/\d: main path\)$/);
    expect(new Set(parts.map((p) => p.team)).size).toBe(1);
    expect(parts[1]!.depends_on_tasks).toContain(parts[0]!.id);
    expect(validateDependencies(split.tasks).valid).toBe(true);
  });

  it('is deterministic', () => {
    expect(generateTeamTasks(createInvoice)).toEqual(plan);
  });
});

describe('estimates', () => {
  const plain = {
    title: 'Show the app version in the footer',
    description: 'As a user I want to see the app version.',
  };
  const complex = {
    title: 'Patient billing sync',
    description:
      'As a billing clinician, I want patient invoices synced to QuickBooks and Salesforce via webhooks, HIPAA compliant, with PHI encrypted and every access audited. TBD: retention. Must handle 500 requests per second within 200 ms.',
    acceptance_criteria: Array.from(
      { length: 8 },
      (_, i) => `Rule ${i + 1}: the invoice must be reconciled within 2 seconds`,
    ),
  };

  it('grow with complexity signals and explain themselves', () => {
    const a = estimateTicket(plain);
    const b = estimateTicket(complex);
    expect(b.total_effort_days).toBeGreaterThan(a.total_effort_days * 2);
    expect(b.complexity).not.toBe(a.complexity);
    expect(b.signals.map((s) => s.signal)).toEqual(
      expect.arrayContaining([
        'acceptance_criteria',
        'integrations',
        'security_compliance',
        'sensitive_domain',
        'performance',
        'open_questions',
      ]),
    );
    expect(b.reasons.join(' ')).toMatch(/QuickBooks/);
    expect(a.reasons).toEqual([expect.stringMatching(/No complexity signals/)]);
  });

  it('match the sum of the generated tasks per team, whatever the split limit', () => {
    for (const story of [createInvoice, complex]) {
      const est = estimateTicket(story);
      for (const max of [1, 3, 30]) {
        const tasks = generateTeamTasks(story, { max_task_cycle_days: max, include_tests: false }).tasks;
        for (const team of est.per_team) {
          const sum = tasks.filter((t) => t.team === team.team).reduce((n, t) => n + t.estimate_days, 0);
          expect(sum).toBeCloseTo(team.effort_days, 5);
        }
      }
      expect(est.cycle_time_days).toBeLessThanOrEqual(est.total_effort_days);
      expect(est.cycle_time_days).toBeGreaterThan(0);
    }
  });
});
