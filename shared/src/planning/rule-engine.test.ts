/**
 * What a product manager saw go wrong in the rule engine's plans (issue "A rule engine that reads the
 * story"), each as a behaviour of whole plans: nothing invented, the story's own words in its tasks,
 * epic-wide work once, the product's teams, and tests that keep their contract.
 */
import { describe, expect, it } from 'vitest';
import { generateTeamTasks } from './generate-team-tasks.js';
import { COVERAGE_RANGES } from './generate-test-cases.js';
import { type EpicPlan, planEpic } from './plan-epic.js';
import { scoreReadiness } from './score-readiness.js';

const all = (plan: EpicPlan) =>
  [
    ...plan.tasks.flatMap((t) => [
      t.summary,
      ...t.test_cases.flatMap((c) => [c.title, ...c.steps, c.expected_result]),
    ]),
    ...plan.stories.flatMap((s) => s.test_cases.map((c) => c.title)),
  ].join('\n');
const tasksOf = (plan: EpicPlan, title: string) => {
  const s = plan.stories.find((x) => x.story.title === title)!;
  return plan.tasks.filter((t) => t.story_key === s.story.key);
};

const SHOP = `# Checkout for guests

## Stories

### Guest checkout
Shoppers pay without creating an account.
- A guest enters an e-mail address and a delivery address
- The order confirmation goes to that e-mail address

### Gift card payment
- A gift card balance pays for all or part of the order
- The remaining balance is shown after payment

### Order history export
- Staff export the month's orders as PDF

### Sales charts
- The chart shows revenue per day for the last 30 days
- Each bar has a tooltip with the exact amount

### Bigger touch targets
- Every button is at least 44 by 44 pixels

### Clinic slots for the scheduler
As a scheduler I want to block a doctor's slot so that no patient books it.
- A blocked slot cannot be booked
`;

describe('the rule engine invents nothing', () => {
  const plan = planEpic({ summary: 'Checkout for guests', description: SHOP });
  const text = all(plan);

  it('honours "without creating an account": no account model, endpoint or sign-up work', () => {
    const guest = tasksOf(plan, 'Guest checkout')
      .map((t) => t.summary)
      .join('\n');
    expect(guest).not.toMatch(/account (?:data )?model|\/accounts|create (?:an )?accounts?\b/i);
    expect(guest).toMatch(/e-mail address/);
  });

  it('names the format the story names (PDF) and no other', () => {
    const exp = tasksOf(plan, 'Order history export');
    expect(exp.map((t) => t.summary).join(' ')).toMatch(/PDF/);
    expect(
      exp.map((t) => `${t.summary} ${t.test_cases.map((c) => c.title).join(' ')}`).join(' '),
    ).not.toMatch(/\bCSV\b/);
  });

  it('adds no default endpoint, no stock and no "marked paid" the stories never mention', () => {
    expect(text).not.toMatch(/GET \/tickets|\/tickets\b/);
    expect(text).not.toMatch(/last unit in stock|\bstock\b/i);
    expect(text).not.toMatch(/is marked paid/i);
  });

  it('reads "scheduler" as a person, not as something to provision', () => {
    expect(text).not.toMatch(/Provision(?:ing)? (?:the )?scheduler/i);
    expect(tasksOf(plan, 'Clinic slots for the scheduler').some((t) => t.team === 'infrastructure')).toBe(
      false,
    );
  });

  it('gives a purely visual story screen work and design, and no server work', () => {
    const teams = new Set(tasksOf(plan, 'Bigger touch targets').map((t) => t.team));
    expect(teams.has('backend')).toBe(false);
    expect(teams.has('frontend')).toBe(true);
  });
});

const LOYALTY = `# Loyalty points

## User stories
1. **Earn points**: customers earn one point per euro of a paid order.
   - Points are written to the points ledger when the order is captured
2. **Refund points**: a refund takes the order's points back.
   - Points of a refunded order are removed from the ledger
   - A balance never goes below zero
3. **Expire points**: unused points expire after 12 months.
   - A nightly batch expires points older than 12 months
   - The customer gets an e-mail 30 days before points expire
4. **Finance export**: finance reconciles points every month.
   - A CSV export of the ledger reconciles with the order totals

## Non-functional requirements
- All amounts are integer cents
- Every balance change is written to the audit log (one implementation for all stories)
`;

describe("tasks name the story's own nouns", () => {
  const plan = planEpic({ summary: 'Loyalty points', description: LOYALTY });
  const summaries = plan.tasks
    .map((t) => t.summary)
    .join('\n')
    .toLowerCase();

  it.each(['ledger', 'refund', 'nightly batch', 'csv export', 'reconcile', 'expire'])(
    'names "%s"',
    (noun) => {
      expect(summaries).toContain(noun);
    },
  );

  it('gives the expiry story work that expires points, not only a reminder', () => {
    expect(tasksOf(plan, 'Expire points').some((t) => /^expire points/i.test(t.summary))).toBe(true);
  });

  it('plans the audit log once for the epic, linked to the stories that need it', () => {
    const audit = plan.tasks.filter((t) => /audit/i.test(t.summary));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.serves_stories!.length).toBeGreaterThan(0);
    expect(plan.relationships.some((r) => r.from === audit[0]!.id)).toBe(true);
  });
});

const CLINIC = `# Patient portal

## Stories
### View lab results
- Patients see their released lab results
### Download a result as PDF
- The PDF shows the reference range of each value
### Share results with a proxy
- A proxy sees only the results the patient shared
### Message the clinic
- A message reaches the care team within one working day

## Non-functional requirements
- HIPAA: every view of PHI is written to the audit trail, once in the results service
- Security review by the privacy office before launch
- Records are kept for 6 years
`;

describe('cross-cutting work is planned once per epic', () => {
  const plan = planEpic({ summary: 'Patient portal', description: CLINIC, coverage_level: 'comprehensive' });

  it('has one audit trail task and one security review, not one per story', () => {
    expect(plan.tasks.filter((t) => /audit/i.test(t.summary))).toHaveLength(1);
    expect(plan.tasks.filter((t) => /security review|security-test/i.test(t.summary))).toHaveLength(1);
  });

  it('tests PHI in logs and retention as such, not the retention period as an input limit', () => {
    const titles = plan.tasks.flatMap((t) => t.test_cases.map((c) => c.title)).join('\n');
    expect(titles).toMatch(/no PHI in logs/i);
    expect(titles).not.toMatch(/6 years is accepted|7 years is not/);
  });
});

const APP = `# Technician app

The technician app is built with React Native for iOS and Android.

## Stories
### Jobs on the phone
As a technician I want today's jobs on my phone so that I can work without signal.
- Jobs are saved on the phone for offline use
- The job list shows when it was last updated
### Larger buttons
- Buttons on the checklist are at least 48 dp with 8 dp between them
- The colour contrast of the buttons is at least 3:1
`;

describe("the product's teams", () => {
  const plan = planEpic({ summary: 'Technician app', description: APP });

  it('puts a React Native app on the mobile team, with design for a visual change, and no web work', () => {
    expect(plan.tasks.some((t) => t.team === 'frontend')).toBe(false);
    expect(tasksOf(plan, 'Jobs on the phone').some((t) => t.team === 'mobile')).toBe(true);
    expect(new Set(tasksOf(plan, 'Larger buttons').map((t) => t.team))).toEqual(
      new Set(['mobile', 'design', 'qa']),
    );
  });

  it('gives an app with "no web version" no web work, even when it names a page', () => {
    const app = planEpic({
      summary: 'Order tracking',
      description:
        '# Order tracking\n\nOur iOS and Android app. There is no web version.\n\n## Stories\n### Live map\n- The order page shows the courier on a map\n',
    });
    expect(app.tasks.some((t) => t.team === 'frontend')).toBe(false);
    expect(app.tasks.some((t) => t.team === 'mobile')).toBe(true);
  });

  it('keeps work that happens on the device (offline drafts, local reminders) in the app, with no server task', () => {
    const app = planEpic({
      summary: 'Workout log',
      description:
        '# Workout log\n\nOur iOS and Android app.\n\n## Stories\n### Log a workout offline\n- A workout logged with no network is kept in local storage on the device\n- Unsynced workouts show a cloud icon\n',
    });
    const teams = new Set(app.tasks.map((t) => t.team));
    expect(teams.has('mobile')).toBe(true);
    expect(teams.has('backend')).toBe(false);
  });

  it('gives a screen to the person the text says can act, even without an "As a" line', () => {
    const tool = planEpic({
      summary: 'Customer records',
      description:
        '# Customer records\n\nAn internal web console.\n\n## Stories\n### Merge duplicates\n- Support leads can merge two customer records into one\n- The merged record keeps both order histories\n',
    });
    expect(tool.tasks.some((t) => t.team === 'frontend')).toBe(true);
  });

  it('plans no server work for a story that rules it out, and no task for a criterion that only limits', () => {
    const app = planEpic({
      summary: 'Status art',
      description:
        '# Status art\n\nOur iOS and Android app.\n\n## Stories\n### New status illustrations\n- Swap the static images for the new animations\n- No change to copy or layout; no API or backend change\n',
    });
    expect(app.tasks.some((t) => t.team === 'backend')).toBe(false);
    expect(app.tasks.some((t) => /^Ensure no change/.test(t.summary))).toBe(false);
    // The limit still binds the work it limits.
    expect(
      app.tasks.some((t) => t.team !== 'qa' && t.covers_criteria?.some((c) => /No change to copy/.test(c))),
    ).toBe(true);
  });

  it('never plans a success-metrics section ("What good looks like") as a story', () => {
    const p = planEpic({
      summary: 'Tracking',
      description:
        '# Tracking\n\n## What good looks like\n- Support contacts down by a third\n\n## Stories\n### Live map\n- The courier is shown on a map\n',
    });
    expect(p.stories.map((s) => s.story.title)).toEqual(['Live map']);
  });

  it("names in a QA summary only what the story's criteria say", () => {
    const app = planEpic({
      summary: 'Technician app',
      description:
        "# Technician app\n\nOur iOS and Android app.\n\n## Stories\n1. As a technician, I want today's jobs downloaded to my phone before I leave the depot, so that I can see addresses with no signal.\n   - The download starts at 06:00 on Wi-Fi\n2. As a technician, I want to complete a job offline.\n   - Everything is saved on the phone\n",
    });
    const qa = app.tasks.find((t) => t.team === 'qa' && /end to end/.test(t.summary))!;
    expect(qa.summary).not.toMatch(/end to end: .*(?:phone before|depot)/);
  });

  it('gives work behind an existing screen ("no new clinician screen") to the server', () => {
    const p = planEpic({
      summary: 'Results portal',
      description:
        '# Results portal\n\n## Stories\n### Release results\nAs a patient I want my results.\n- Clinicians release from the existing results inbox in the EHR (no new clinician screen)\n- Patients see released results in the portal\n',
    });
    const release = p.tasks.find((t) => /release from the existing results inbox/i.test(t.summary))!;
    expect(release.team).toBe('backend');
  });

  it('reads the platform from the title, and another app left unchanged or "no app install needed" takes nothing out', () => {
    const trips = planEpic({
      summary: 'Live trip sharing (iOS + Android)',
      description:
        '# Live trip sharing (iOS + Android)\n\nThis epic covers the rider app only; driver app is unchanged.\n\nAs a rider, I want an SOS button during the trip so that I can reach help fast.\n  - Long-press for 2 s to avoid accidental triggers\n\nAs a rider, I want to share my trip.\n  - The recipient gets an SMS with a link; no app install needed\n',
    });
    const sos = trips.tasks.filter((t) => t.story_key === 'S1');
    expect(sos.some((t) => t.team === 'mobile')).toBe(true);
    expect(sos.some((t) => t.team === 'frontend')).toBe(false);
  });

  it('never writes browser tests for an app', () => {
    expect(all(plan)).not.toMatch(/browser/i);
  });

  it('gives an API-only product no screens', () => {
    const api = planEpic({
      summary: 'Shipments API',
      description:
        '# Shipments API\n\nThere is no UI in this release.\n\n## Stories\n### Create a shipment\nAs a partner developer I want to create a shipment.\n- POST /shipments returns 201 with the shipment id\n',
    });
    expect(api.tasks.some((t) => t.team === 'frontend' || t.team === 'mobile' || t.team === 'design')).toBe(
      false,
    );
  });
});

describe("the epic's requirements", () => {
  const PREFS = [
    '# Notification preferences',
    '',
    '## Stories',
    "- Daily digest: low-priority events are collected and sent once a day at 08:00 in the user's time zone.",
    '- Quiet hours: a user sets a do-not-disturb window; pushes inside the window are held until it ends.',
    '',
    '## Non-functional',
    '- Digest job must handle 2M users within a 30 minute window.',
    '- All preference changes are GDPR-exportable.',
    '- Existing users keep their current settings after migration.',
  ].join('\n');
  const plan = planEpic({ summary: 'Notification preferences', description: PREFS });

  it('never drops one: each is carried by the task it concerns, or planned once on its own', () => {
    for (const line of [
      'Digest job must handle 2M users within a 30 minute window.',
      'All preference changes are GDPR-exportable.',
      'Existing users keep their current settings after migration.',
    ])
      expect(
        plan.tasks.some((t) => t.team !== 'qa' && t.description.includes(line)),
        line,
      ).toBe(true);
    const own = plan.tasks.filter((t) => /^Non-functional: /.test(t.summary));
    expect(own.map((t) => t.summary)).toEqual([
      'Non-functional: All preference changes are GDPR-exportable',
      'Non-functional: Existing users keep their current settings after migration',
    ]);
  });

  it('attaches a requirement to the story its words name, not to one sharing a common word', () => {
    const digest = 'Digest job must handle 2M users within a 30 minute window.';
    const carriers = plan.tasks.filter((t) => t.description.includes(digest)).map((t) => t.story_key);
    expect(new Set(carriers)).toEqual(new Set(['S1']));
  });
});

describe('tests keep their contract in a whole plan, after de-duplication and splitting', () => {
  it.each(['basic', 'standard', 'comprehensive'] as const)(
    'every task of a %s plan has tests within the range, titles distinct',
    (level) => {
      const plan = planEpic({
        summary: 'Loyalty points',
        description: LOYALTY,
        coverage_level: level,
        max_task_cycle_days: 1.5,
      });
      const { min, max } = COVERAGE_RANGES[level];
      for (const t of plan.tasks) {
        expect(t.test_cases.length, t.summary).toBeGreaterThanOrEqual(min);
        expect(t.test_cases.length, t.summary).toBeLessThanOrEqual(max);
        expect(new Set(t.test_cases.map((c) => c.title)).size).toBe(t.test_cases.length);
      }
      const titles = plan.tasks.flatMap((t) => t.test_cases.map((c) => c.title.toLowerCase()));
      expect(new Set(titles).size / titles.length).toBeGreaterThan(0.95);
    },
  );

  it("tests each QA part on its own criteria, and an API task's bad-body case names no task summary", () => {
    const plan = generateTeamTasks(
      {
        key: 'R-1',
        title: 'Partial refunds through the API',
        acceptance_criteria: [
          'amount is an integer in minor units',
          'the sum of all refunds never exceeds the captured amount',
          'the reason is at most 500 characters',
          'the same Idempotency-Key within 24 h returns the first result',
        ],
      },
      { max_task_cycle_days: 2, coverage_level: 'standard' },
    );
    const parts = plan.tasks.filter((t) => t.team === 'qa' && t.part);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts)
      for (const c of p.covers_criteria ?? [])
        expect(
          p.test_cases.some((tc) => tc.covers_criterion === c || tc.title.includes(c)),
          c,
        ).toBe(true);
    expect(plan.tasks.flatMap((t) => t.test_cases).some((c) => /the endpoint of/.test(c.title))).toBe(false);
  });

  it('gives split parts their own scope and done-when, even for a task with one criterion', () => {
    const plan = generateTeamTasks(
      { key: 'L-9', title: 'Ledger sync', acceptance_criteria: ['The ledger matches the ERP every morning'] },
      { max_task_cycle_days: 0.5 },
    );
    const parts = plan.tasks.filter((t) => t.part && t.team === 'backend');
    expect(parts.length).toBeGreaterThanOrEqual(3);
    const doneWhen = (d: string) => d.split('**Done when**')[1] ?? '';
    expect(new Set(parts.map((p) => doneWhen(p.description))).size).toBe(parts.length);
    expect(new Set(parts.map((p) => p.summary)).size).toBe(parts.length);
  });

  it('lets QA days follow the number of tests the coverage level asks for', () => {
    const qaDays = (level: 'minimal' | 'comprehensive') =>
      planEpic({
        summary: 'Loyalty points',
        description: LOYALTY,
        coverage_level: level,
        max_task_cycle_days: 30,
      })
        .tasks.filter((t) => t.team === 'qa' && !t.serves_stories)
        .reduce((n, t) => n + t.estimate_days, 0);
    expect(qaDays('comprehensive')).toBeGreaterThan(qaDays('minimal'));
  });

  it('keeps no link that other links imply', () => {
    const first = planEpic({ summary: 'Loyalty points', description: LOYALTY });
    const be = first.tasks.find((t) => t.story_key === 'S1' && t.team === 'backend')!;
    const qa = first.tasks.find((t) => t.story_key === 'S1' && t.team === 'qa' && !t.serves_stories)!;
    expect(qa.depends_on_tasks).toContain(be.id);
    // A proposal that another path already implies (the S2 backend waits for S1's backend, S1's QA for it).
    const s2 = first.tasks.find((t) => t.story_key === 'S2' && t.team === 'qa')!;
    const plan = planEpic({
      summary: 'Loyalty points',
      description: LOYALTY,
      proposed_dependencies: [
        { from: be.id, to: s2.id },
        { from: be.id, to: first.tasks.find((t) => t.story_key === 'S2' && t.team === 'backend')!.id },
      ],
    });
    expect(plan.tasks.find((t) => t.id === s2.id)!.depends_on_tasks).not.toContain(be.id);
    const deps = new Map(plan.tasks.map((t) => [t.id, t.depends_on_tasks] as const));
    const reaches = (from: string, to: string, skip: string): boolean => {
      const seen = new Set<string>();
      const walk = (id: string): boolean =>
        (deps.get(id) ?? []).some((d) => {
          if (id === from && d === skip) return false;
          if (d === to) return true;
          if (seen.has(d)) return false;
          seen.add(d);
          return walk(d);
        });
      return walk(from);
    };
    for (const r of plan.relationships)
      expect(reaches(r.to, r.from, r.from), `${r.from} -> ${r.to}`).toBe(false);
  });
});

describe('readiness agrees with itself', () => {
  const good = {
    title: 'Refund points',
    description: 'As a finance manager I want refunds to take points back so that balances stay right.',
    acceptance_criteria: [
      'Points of a refunded order are removed from the ledger',
      'A balance never goes below zero',
    ],
  };

  it('does not call a story ready when it repeats a sibling', () => {
    expect(scoreReadiness(good).level).toBe('ready');
    const r = scoreReadiness(good, { siblings: [{ key: 'L-2', title: 'Refund points', description: '' }] });
    expect(r.level).toBe('not_ready');
    expect(r.reasons.some((x) => x.signal === 'repeats_sibling' && /L-2/.test(x.message))).toBe(true);
  });

  it('does not call a story ready when a criterion is not testable', () => {
    const vague = {
      ...good,
      acceptance_criteria: [...good.acceptance_criteria, 'The page is fast and user-friendly'],
    };
    expect(scoreReadiness(vague).score).toBeGreaterThanOrEqual(75);
    expect(scoreReadiness(vague).level).toBe('needs_work');
  });
});
