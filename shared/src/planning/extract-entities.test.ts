import { describe, expect, it } from 'vitest';
import { detectActions, extractEntities } from './extract-entities.js';

describe('extractEntities', () => {
  const text =
    'As a support agent, I want to refund an order via POST /orders/{id}/refunds with amount and reason so that the customer gets money back. Stripe webhooks confirm refunds.';

  it('finds endpoints, the resources in their paths, actors and external systems', () => {
    const e = extractEntities(text);
    expect(e.endpoints).toEqual(['POST /orders/{id}/refunds']);
    expect(e.resources.slice(0, 2)).toEqual(['refund', 'order']);
    expect(e.resources).toContain('customer');
    expect(e.actors).toEqual(['support agent']);
    expect(e.integrations).toEqual(['Stripe']);
  });

  it('finds fields, including two-word ones, without splitting them', () => {
    const e = extractEntities('Create an invoice with amount, currency, due date and unit price');
    expect(e.fields).toEqual(['amount', 'currency', 'due date', 'unit price']);
  });

  it('finds resources named after determiners even when they are not in its lexicon', () => {
    const e = extractEntities(
      'Each warranty claim links to a serial number. The warranty claim can be reopened.',
    );
    expect(e.resources[0]).toBe('warranty claim');
  });

  it('finds lifecycle statuses and role actors without "As a"', () => {
    const e = extractEntities('Admins can archive a paid or overdue invoice');
    expect(e.statuses).toEqual(['paid', 'overdue']);
    expect(e.actors).toEqual(['admin']);
  });

  it('does not mistake an HTTP verb for a resource', () => {
    expect(extractEntities('POST /invoices creates a draft').resources).toEqual(['invoice']);
  });
});

describe('detectActions', () => {
  it('lists the actions a text asks for', () => {
    expect(detectActions('Users can create, edit and export invoices')).toEqual([
      'create',
      'update',
      'export',
    ]);
  });

  it('ignores forbidden actions: "cannot be edited or deleted" asks for neither', () => {
    expect(detectActions('Audit entries cannot be edited or deleted')).toEqual([]);
  });

  it('does not read a status adjective or a noun as an action', () => {
    expect(detectActions('Remind customers about cancelled invoices; close the books')).toEqual(['notify']);
  });
});
