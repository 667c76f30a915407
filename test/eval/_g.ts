import { generateTeamTasks } from '@augment/shared';

const s = {
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
for (const t of generateTeamTasks(s).tasks)
  console.log(
    t.id,
    t.estimate_days,
    t.summary,
    '| deps',
    t.depends_on_tasks.join(','),
    '| tests',
    t.test_cases.length,
  );
const r = generateTeamTasks({
  title: 'Refund orders',
  description:
    'Support agents refund orders through POST /v2/orders/{orderId}/refunds with amount and reason.',
});
for (const t of r.tasks) console.log(t.id, t.summary);
