import { describe, expect, it } from 'vitest';
import { workPhrase } from './work-phrase.js';

describe('workPhrase: a criterion as the work that makes it true', () => {
  it('keeps both verbs of "cannot A or B"', () => {
    expect(workPhrase('Agents cannot merge accounts or export data')).toBe(
      'Stop agents from merging accounts or exporting data',
    );
  });

  it('reads a subject before a modal as a subject, not as an imperative', () => {
    const phrase = workPhrase('Support leads can merge duplicate customer records');
    expect(phrase).not.toMatch(/^Support leads can/);
    expect(phrase.toLowerCase()).toContain('merge duplicate customer records');
  });

  it('puts the action before what starts it', () => {
    expect(workPhrase('Tapping the notification opens the workout')).toBe(
      'Open the workout after tapping the notification',
    );
  });

  it('reads an adjective and its noun as a subject, not a participle', () => {
    expect(workPhrase('Unsynced workouts show a cloud icon')).not.toMatch(/^Unsync/);
  });

  it('keeps a participle that opens the line with how it is done', () => {
    expect(workPhrase('Sent as a PDF attachment')).toBe('Send as a PDF attachment');
  });

  it('keeps what a thing keeps in that thing', () => {
    expect(workPhrase('The merged record keeps both order histories')).toBe(
      'Keep both order histories in the merged record',
    );
  });

  it('moves "only ever" out of the subject, keeping "only"', () => {
    expect(workPhrase('a device only ever gets one staged release at a time')).toBe(
      'Get only one staged release at a time for a device',
    );
    expect(workPhrase('Users only see their own invoices')).toBe('Show users only their own invoices');
  });

  it('does not read "its own" as a verb', () => {
    expect(workPhrase('rollback is a new rollout with its own status')).not.toMatch(/^Own/);
  });

  it('replaces what the subject replaces, with the subject', () => {
    expect(workPhrase('an "Offline" strip replaces the live map')).toBe(
      'Replace the live map with an "Offline" strip',
    );
  });

  it('keeps a rule that says "no ..." as a rule, and never makes a subject of a clause with "once"', () => {
    expect(workPhrase('no promotions or vouchers in these pushes')).toBe(
      'Ensure no promotions or vouchers in these pushes',
    );
    expect(workPhrase('the map appears once the rider has collected the food')).not.toMatch(/^Include/);
  });

  it('reads "<who> to <verb> ..." as the work to do', () => {
    expect(workPhrase('Legal to approve the wording')).toBe('Approve the wording');
  });

  it('knows "completed" is "complete", and never reads a label before a colon as a subject', () => {
    expect(workPhrase('a job can be completed offline')).toBe('Complete a job offline');
    expect(workPhrase('conflict rule: office edits win on customer details')).not.toMatch(/^Edit/);
  });

  it('reads a plural noun as a noun, and whoever sees something as the one it is shown to', () => {
    expect(workPhrase('SMS reminder 24 h before the visit')).toBe(
      'Support SMS reminder 24 h before the visit',
    );
    expect(workPhrase('front desk sees confirmations on the day list')).toBe(
      'Show front desk confirmations on the day list',
    );
  });

  it('puts a leading "For ..." phrase after the work, and reads a plural subject with its verb', () => {
    expect(
      workPhrase('For patients aged 12 to 17, results on the confidential list are hidden from parents'),
    ).toBe('Hide results on the confidential list from parents for patients aged 12 to 17');
    expect(workPhrase('Released results appear in the portal within 10 minutes')).toBe(
      'Ensure released results appear in the portal within 10 minutes',
    );
    expect(workPhrase('total import kWh must be within 0.1% of the billing extract')).toBe(
      'Ensure total import kWh is within 0.1% of the billing extract',
    );
  });

  it("keeps a role's acronym and doubles the last consonant where English does", () => {
    expect(workPhrase('bearer token can be rotated from the console', ['IT admin'])).toBe(
      'Let IT admins rotate bearer token from the console',
    );
    expect(workPhrase('Pharmacists cannot submit a claim twice')).toBe(
      'Stop pharmacists from submitting a claim twice',
    );
  });

  it('reads "<thing> shall <verb> <object>" as the work on the object, and "shall be able to" as an ability', () => {
    expect(workPhrase('Receiving a Schedule II order shall require the DEA Form 222 number')).toBe(
      'Require the DEA Form 222 number when receiving a Schedule II order',
    );
    expect(workPhrase('Suspected theft shall prompt the PIC to file DEA Form 106')).toBe(
      'Prompt the PIC to file DEA Form 106 for suspected theft',
    );
    expect(workPhrase('The PIC shall be able to perform a physical count')).toBe(
      'Let the PIC perform a physical count',
    );
  });
});
