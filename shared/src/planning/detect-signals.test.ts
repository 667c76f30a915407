import { describe, expect, it } from 'vitest';
import { detectDomains, detectStoryTypes, detectTechnicalContexts } from './detect-signals.js';

describe('detectStoryTypes', () => {
  it('finds several types in one story, with the words that matched', () => {
    const r = detectStoryTypes(
      'Sync customer records from Salesforce and show them on a dashboard page via a new REST endpoint',
    );
    expect(r.types).toEqual(expect.arrayContaining(['api', 'ui', 'integration']));
    expect(r.types).not.toContain('data');
    expect(r.signals.integration).toEqual(expect.arrayContaining(['salesforce', 'sync']));
    expect(r.signals.api).toContain('endpoint');
  });

  it('recognises data stories by analytics, pipelines and migrations of existing data', () => {
    expect(detectStoryTypes('Backfill historical orders into the analytics warehouse').types).toContain(
      'data',
    );
    expect(detectStoryTypes('Migrate existing records to the new ledger').types).toContain('data');
  });

  it('counts HTTP endpoints as API signals', () => {
    expect(detectStoryTypes('Add PATCH /users/{id}').types).toEqual(['api']);
  });

  it('needs more than one weak word: a lone "service" does not make an API story', () => {
    expect(detectStoryTypes('Improve customer service wording').types).toEqual([]);
  });
});

describe('detectDomains', () => {
  it('detects healthcare and security vocabulary', () => {
    const r = detectDomains('Patients book appointments; PHI must follow HIPAA. Login requires MFA.');
    expect(r.domains).toEqual(['healthcare', 'security']);
    expect(r.signals.healthcare).toContain('hipaa');
  });

  it('detects financial and ecommerce vocabulary', () => {
    expect(detectDomains('Invoices in several currencies with VAT').domains).toEqual(['financial']);
    expect(detectDomains('Checkout reserves inventory for the cart').domains).toEqual(['ecommerce']);
  });

  it('does not read a billing address or a physical warehouse as finance or data work', () => {
    expect(detectDomains('Update the billing address').domains).not.toContain('financial');
    expect(detectStoryTypes('Notify the warehouse').types).not.toContain('data');
  });
});

describe('detectTechnicalContexts', () => {
  it('detects database, API and microservice contexts', () => {
    const r = detectTechnicalContexts(
      'Kafka consumer updates the orders table in Postgres inside a transaction; GET /orders returns 200',
    );
    expect(r.contexts).toEqual(expect.arrayContaining(['database', 'api', 'microservice']));
    expect(r.contexts).not.toContain('ui');
  });

  it('detects UI context from screens and accessibility', () => {
    expect(detectTechnicalContexts('The settings screen must be keyboard accessible').contexts).toEqual([
      'ui',
    ]);
  });
});
