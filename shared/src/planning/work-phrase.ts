/**
 * What a criterion asks a team to do, as the imperative a task summary uses:
 *   "Expired cards are hidden"                        -> "Hide expired cards"
 *   "Points of a refunded order are removed"          -> "Remove points of a refunded order"
 *   "A balance never goes below zero"                 -> "Prevent a balance from going below zero"
 *   "The CSV reconciles with the order totals"        -> "Reconcile the CSV with the order totals"
 *   "Shoppers receive an e-mail with the summary"     -> "Send shoppers an e-mail with the summary"
 *   "Only finance managers can create invoices"       -> "Restrict creating invoices to finance managers"
 *   "Given a paid order, when it is captured, then points are added to the ledger"
 *                                                     -> "Add points to the ledger when it is captured"
 * The story's words stay as written; only the verb moves to the front.
 */
import { capitalize, contentTokens, pluralize } from './text.js';
import { baseOfPast, baseOfThird, gerund, INTRANSITIVE, isBaseVerb } from './verb-forms.js';

/** People a story talks about: subjects that act ("the shopper can ...") rather than things acted on. */
export const PEOPLE = new Set(
  (
    'user users customer customers shopper shoppers buyer buyers seller sellers member members admin admins ' +
    'administrator administrators manager managers agent agents operator operators dispatcher dispatchers driver drivers ' +
    'patient patients doctor doctors clinician clinicians nurse nurses scheduler schedulers staff employee employees ' +
    'teacher teachers student students parent parents guest guests visitor visitors owner owners developer developers ' +
    'partner partners merchant merchants technician technicians accountant accountants auditor auditors analyst analysts ' +
    'reviewer reviewers approver approvers editor editors author authors subscriber subscribers player players ' +
    'traveller travellers traveler travelers caller callers requester requesters coordinator coordinators clerk clerks ' +
    'cashier cashiers they we you someone anyone everyone people person team teams client clients consumer consumers ' +
    'integrator integrators tenant tenants provider providers caregiver caregivers proxy proxies planner planners ' +
    'lead leads supervisor supervisors officer officers specialist specialists engineer engineers ' +
    'pharmacist pharmacists rider riders courier couriers recipient recipients learner learners instructor instructors ' +
    'borrower borrowers lender lenders applicant applicants candidate candidates recruiter recruiters tester testers'
  ).split(' '),
);

/** Subjects that do work rather than receive it: "the nightly job sends", "a batch expires". */
const AGENT =
  /\b(?:job|batch|task|process|worker|pipeline|service|system|script|cron|scheduler|sync|importer|exporter|run|bot|daemon)s?$/i;
const DETERMINER =
  /^(?:a|an|the|each|every|any|all|no|its|their|our|his|her|this|that|these|those|some|only)$/i;
const MODAL_PASSIVE =
  /^(.{2,90}?)\s+(?:is|are|gets|get|will be|must be|should be|shall be|can be|may be|is always|are always|is automatically|are automatically|is then|are then|has been|have been)\s+(?:(?:also|only|immediately|automatically|always|then|still|correctly|clearly|securely)\s+)?([a-z][a-z-]*(?:ed|en)|shown|sent|kept|paid|held|made|told|found|built|set|put|cut|read|run|sold|spent|lost|left|done)\b(.*)$/i;
const NEGATED_PASSIVE =
  /^(.{2,90}?)\s+(?:is not|are not|isn't|aren't|is never|are never|cannot be|can't be|can not be|must not be|mustn't be|should not be|shall not be|will not be|won't be|may not be|never gets|never get)\s+([a-z][a-z-]*(?:ed|en)|shown|sent|kept|paid|held|made|told|found|built|set|put|cut|read|run|sold|spent|lost|left|done)\b(.*)$/i;
const NEGATED_ACTIVE =
  /^(.{2,90}?)\s+(?:never|does not|do not|doesn't|don't|must not|mustn't|cannot|can't|can not|should not|shall not|will not|won't|may not)\s+([a-z][a-z-]*)\b(.*)$/i;
const SYSTEM_SUBJECT =
  /^(?:the\s+)?(?:system|app|application|platform|service|server|api|backend|product|site|portal|page|job|tool|we)\s+(?:must|should|shall|will|needs? to|has to|can)\s+(?:be able to\s+)?/i;
const ONLY = /^only\s+(.{2,60}?)\s+(?:can|may|are allowed to|is allowed to|are able to)\s+([a-z]+)\b(.*)$/i;

/** "The invoice" -> "the invoice", "A saved card" -> "a saved card"; "PDF", "iOS" and names stay. */
const lowerFirst = (s: string) => {
  const first = s.split(/\s+/)[0] ?? '';
  if (DETERMINER.test(first) || /^[A-Z][a-z]+$/.test(first)) return s[0]!.toLowerCase() + s.slice(1);
  return s;
};
const clean = (s: string) =>
  s
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:-]+|[\s,;:.]+$/g, '')
    .trim();

function isPerson(subject: string, actors: readonly string[]): boolean {
  const words = subject
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => !DETERMINER.test(w));
  const head = words[words.length - 1] ?? '';
  return (
    PEOPLE.has(head) || actors.some((a) => a.toLowerCase() === words.join(' ') || a.toLowerCase() === head)
  );
}

/** "and stops further reminders" after an imperative: "and stop further reminders". */
function verbsIn(rest: string): string {
  return rest.replace(/\b(and|or|then)\s+([a-z]+s)\b/g, (m, conj: string, w: string) => {
    const base = baseOfThird(w);
    return base && base !== 'be' && base !== 'have' ? `${conj} ${base}` : m;
  });
}

/** The people of a rule, as a group: "Admin can create" -> "admins". */
function people(subject: string): string {
  const s = lowerFirst(subject);
  return /^[a-z-]+$/.test(s) && PEOPLE.has(`${s}s`) ? `${s}s` : s;
}

/** A verb in its base form or a modal: what can follow a subject. */
function isVerbLike(word: string): boolean {
  const w = word.toLowerCase();
  return (
    (isBaseVerb(w) && !w.endsWith('s')) ||
    /^(?:can|may|must|should|will|shall|is|are|never|cannot|does|do)$/.test(w)
  );
}

/** A subject ("the invoice list", "expired cards"): short, no verb inside, no clause marker or second clause. */
function nounPhrase(s: string): boolean {
  const words = s.split(/\s+/);
  return (
    words.length <= 9 &&
    !/\b(?:when|if|then|that|which|who|never|not|once|until|while|unless|because|since)\b|[;:]|,\s*(?:and|or|but)\b|\b(?:and|or|but) (?:the|a|an|its|their)\b/i.test(
      s,
    )
  );
}

/** "Given X, when Y, then Z" / "When Y, then Z" / "If Y, Z" -> { trigger: Y, outcome: Z }. */
function splitScenario(text: string): { trigger: string | null; outcome: string } {
  const m =
    /^(?:given\s+.+?,\s*)?(?:when|if|once|after)\s+(.+),\s*then\s+(.+)$/i.exec(text) ??
    /^(?:given\s+.+?,\s*)?(?:when|if|once|after)\s+(.+?),\s*(?:then\s+)?(.+)$/i.exec(text) ??
    /^given\s+(.+?),\s*then\s+(.+)$/i.exec(text);
  if (m) return { trigger: clean(m[1]!), outcome: clean(m[2]!) };
  const then = /^(.+?)\s*;\s*then\s+(.+)$/i.exec(text);
  if (then) return { trigger: null, outcome: clean(then[2]!) };
  return { trigger: null, outcome: text };
}

/** A phrase leading a statement: "For patients aged 12 to 17, ...", "On the day list, ...". */
const LEAD_PHRASE = /^((?:for|in|on|at|during|within|across|per)\s[^,]{2,60}),\s+(.+)$/i;

/** A plural noun ending a subject ("leads", "workouts"); not "its", "status" or "this". */
function pluralNoun(word: string): boolean {
  return (
    /[^s]s$/i.test(word) &&
    !/^(?:its|his|hers|ours|yours|theirs|this|thus|was|is|has|does|us|plus|status|bus|as|across|always|perhaps)$/i.test(
      word,
    )
  );
}

/** The imperative of one statement, or null when its shape is not recognised. */
function imperative(s: string, actors: readonly string[]): string | null {
  const sys = SYSTEM_SUBJECT.exec(s);
  if (sys) {
    const rest = s.slice(sys[0].length);
    const first = rest.split(/\s+/)[0] ?? '';
    if (isBaseVerb(first)) return rest;
  }
  // "design to hand over final files": who, then the work they are to do.
  const toDo = /^([a-z]+(?: [a-z]+)?) to ([a-z]+)\b(.*)$/i.exec(s);
  if (toDo && isBaseVerb(toDo[2]!.toLowerCase()) && !DETERMINER.test(toDo[1]!))
    return `${capitalize(toDo[2]!.toLowerCase())}${toDo[3]}`;
  const only = ONLY.exec(s);
  if (only && isBaseVerb(only[2]!)) return `Restrict ${gerund(only[2]!)}${only[3]} to ${clean(only[1]!)}`;
  const neg = NEGATED_PASSIVE.exec(s);
  if (neg && nounPhrase(neg[1]!))
    return `Prevent ${lowerFirst(clean(neg[1]!))} from being ${neg[2]!.toLowerCase()}${neg[3]}`;
  const negActive = NEGATED_ACTIVE.exec(s);
  // "never goes" as well as "must not go".
  const negVerb = negActive
    ? isBaseVerb(negActive[2]!)
      ? negActive[2]!.toLowerCase()
      : baseOfThird(negActive[2]!)
    : null;
  if (negActive && negVerb && negVerb !== 'be' && nounPhrase(negActive[1]!)) {
    const who = isPerson(negActive[1]!, actors) ? 'Stop' : 'Prevent';
    // "cannot merge accounts or export data" -> "from merging accounts or exporting data".
    const more = negActive[3]!.replace(/\b(or|and)\s+([a-z]+)\b/g, (m, conj: string, w: string) =>
      isBaseVerb(w) && !/^(?:data|order|record|report|file|list)$/.test(w) ? `${conj} ${gerund(w)}` : m,
    );
    return `${who} ${lowerFirst(clean(negActive[1]!))} from ${gerund(negVerb)}${more}`;
  }
  const passive = MODAL_PASSIVE.exec(s);
  if (passive && nounPhrase(passive[1]!)) {
    const base = baseOfPast(passive[2]!);
    if (base && base !== 'be') {
      const subject = lowerFirst(clean(passive[1]!));
      // "A saved card can be removed" by the story's person: let them do it.
      if (/\s(?:can|may) be\s/i.test(s) && actors.length > 0 && !/\s(?:by|via|through)\s/i.test(passive[3]!))
        return `Let ${pluralize(actors[0]!)} ${base} ${subject}${passive[3]}`;
      return `${capitalize(base)} ${subject}${passive[3]}`;
    }
  }
  const words = s.split(/\s+/);
  const first = words[0]!.toLowerCase();
  // Already an imperative ("Show totals ..."), or a verb without its subject ("Scales to 24 months");
  // not "Support leads can merge ...", where a modal shows the first words are its subject.
  const subjectFirst = words.slice(1, 7).some((w) => /^(?:can|may|must|should|will|shall|cannot)$/i.test(w));
  if (isBaseVerb(first) && !DETERMINER.test(first) && !subjectFirst && !/^(?:of|for)$/i.test(words[1] ?? ''))
    return s;
  const third = baseOfThird(first);
  // "Has a legend", "Scales to 24 months"; not "Totals update ..." (a plural subject and its verb).
  if (third && words.length > 1 && !isVerbLike(words[1]!))
    return `${capitalize(third === 'have' ? 'add' : third)} ${words.slice(1).join(' ')}`;
  // "Sent as a PDF attachment": a participle opening the line, followed by how; "Unsynced workouts show"
  // is an adjective and its noun.
  const past = /ed$|^(?:shown|sent|kept|paid|hidden|written)$/.test(first) ? baseOfPast(first) : null;
  if (
    past &&
    words.length > 1 &&
    /^(?:as|in|on|to|by|with|when|at|from|for|via|into|a|an|the|immediately|automatically|only|once|every|each|after|before)$/i.test(
      words[1]!,
    )
  )
    return `${capitalize(past)} ${words.slice(1).join(' ')}`;
  // Subject + verb: "<person> can <verb> ..." / "<person> <verb>s ..." / "<thing> <verb>s ...".
  for (let i = 1; i < Math.min(words.length - 1, 9); i++) {
    const subject = words.slice(0, i).join(' ');
    if (!nounPhrase(subject)) break;
    const w = words[i]!.toLowerCase();
    // "A device only ever gets ...": the adverbs go with what follows, not into the subject.
    const adverbs = /^(?:only|ever|always|also|still|just)$/;
    if (adverbs.test(w)) {
      let j = i;
      while (j < words.length - 1 && adverbs.test(words[j]!.toLowerCase())) j++;
      const v = words[j]!.toLowerCase();
      const base = baseOfThird(v) ?? (isBaseVerb(v) && pluralNoun(words[i - 1]!) ? v : null);
      if (base && base !== 'be') {
        // "only" limits what follows the verb; "ever", "always" and the like add nothing to the work.
        const kept = words.slice(i, j).some((x) => /^only$/i.test(x)) ? ['only'] : [];
        return imperative(
          [...words.slice(0, i), words[j]!, ...kept, ...words.slice(j + 1)].join(' '),
          actors,
        );
      }
    }
    const rest = words.slice(i + 1).join(' ');
    if (/^(?:can|may|must|should|will|shall)$/.test(w)) {
      // "shall be able to perform": the ability is the verb after it.
      const able =
        words
          .slice(i + 1, i + 4)
          .join(' ')
          .toLowerCase() === 'be able to';
      const at = able ? i + 4 : i + 1;
      const next = words[at]?.toLowerCase() ?? '';
      const after = words.slice(at + 1).join(' ');
      const verb = next === 'be' || next === 'able' ? null : next;
      if (verb && isBaseVerb(verb)) {
        if (isPerson(subject, actors) || /^[Tt]he [A-Z]{2,}$/.test(subject))
          return `Let ${people(subject)} ${verb} ${after}`;
        if (INTRANSITIVE.has(verb)) return null;
        // "Receiving an order shall require the form number": the work, then when or what it is for.
        const link = /^[a-z]+ing\b/i.test(subject) ? 'when' : 'for';
        return after ? `${capitalize(verb)} ${after} ${link} ${lowerFirst(subject)}` : null;
      }
      return null;
    }
    const base = baseOfThird(w) ?? (isBaseVerb(w) && pluralNoun(words[i - 1]!) ? w : null);
    if (!base || base === 'be') continue;
    // "Axis labels remain readable", "status change writes ...": a verb follows, so this is the subject.
    const next = words[i + 1] ?? '';
    if (isVerbLike(next) || (baseOfThird(next) !== null && /s$/.test(next) && !/^(?:is|as|has)$/i.test(next)))
      continue;
    const it = lowerFirst(subject);
    const person = isPerson(subject, actors);
    if (!person && ['have', 'contain', 'include', 'carry'].includes(base)) return `Include ${rest} in ${it}`;
    if (!person && ['show', 'display', 'list'].includes(base))
      return / in (?:the|a|an) /.test(` ${rest} `) ? `Show ${rest} for ${it}` : `Show ${rest} in ${it}`;
    // "Tapping the notification opens the workout": the action first, then what starts it.
    if (/^[a-z]+ing\b/i.test(subject) && !person)
      return `${capitalize(base)} ${verbsIn(rest)} after ${lowerFirst(subject)}`;
    // "An offline strip replaces the live map": replace the map with the strip.
    if (base === 'replace' && !person) return `Replace ${verbsIn(rest)} with ${it}`;
    if (['become', 'turn'].includes(base)) return `Set ${it} to ${rest}`;
    if (base === 'change' && /^to\s/.test(rest)) return `Set ${it} ${rest}`;
    if (['stay', 'remain'].includes(base)) return `Keep ${it} ${rest}`;
    // Only people see or receive: "Front desk sees confirmations" shows them to the front desk.
    if (!person && ['see', 'view'].includes(base)) return `Show ${lowerFirst(subject)} ${verbsIn(rest)}`;
    if (person) {
      const who = people(subject);
      if (base === 'see' || base === 'view') return `Show ${who} ${verbsIn(rest)}`;
      if (base === 'receive' || base === 'get') return `Send ${who} ${verbsIn(rest)}`;
      return `Let ${who} ${base} ${verbsIn(rest)}`;
    }
    if (INTRANSITIVE.has(base) || base === 'have') return null;
    const restV = verbsIn(rest);
    // "The merged record keeps both order histories": what is kept goes in the subject.
    if (['keep', 'retain', 'preserve', 'store', 'hold', 'save'].includes(base))
      return `${capitalize(base)} ${restV} in ${it}`;
    // "A nightly batch expires points ...": the subject is what does the work.
    if (AGENT.test(subject) && !/^(?:with|to|from|in|into|on|at|against)\b/i.test(rest))
      return `${capitalize(base)} ${restV} in ${it}`;
    // "Every change writes an audit entry": the subject is when, the object what.
    if (/^(?:only\s+)?(?:a|an|the|one|exactly|every|each|no|\d+)\b/i.test(rest))
      return `${capitalize(base)} ${restV} for ${it}`;
    return `${capitalize(base)} ${it} ${restV}`;
  }
  return null;
}

/**
 * The work a criterion asks for, as an imperative phrase from the criterion's own words. Statements whose
 * shape is not recognised are kept whole after "Ensure" (noun phrases after "Support"), never reworded.
 */
export function workPhrase(criterion: string, actors: readonly string[] = []): string {
  const text = clean(criterion.replace(/^[-*•]\s*/, '').replace(/^(?:ac\d*|criterion \d+)\s*[:.)-]\s*/i, ''));
  const { trigger, outcome: said } = splitScenario(text);
  // "For patients aged 12 to 17, results ... are hidden": the work, then whom or where it is for.
  const lead = trigger === null ? LEAD_PHRASE.exec(said) : null;
  const led = lead ? imperative(lead[2]!, actors) : null;
  // A statement whose shape is not recognised is kept whole, its leading phrase included.
  const outcome = said;
  const main = led ? `${led} ${lowerFirst(lead![1]!)}` : imperative(outcome, actors);
  // "When they update the address, then the address is updated" says it once.
  const restated =
    trigger !== null && main !== null && contentTokens(trigger).every((t) => contentTokens(main).includes(t));
  const when =
    trigger && !restated && trigger.split(/\s+/).length <= 12 ? ` when ${lowerFirst(trigger)}` : '';
  if (main) return clean(`${capitalize(clean(main))}${when}`);
  // A verb, not a plural noun: "reminders" is a thing, "sends" a verb the lexicon knows.
  const hasVerb =
    /\b(?:is|are|was|were|be|been|can|must|should|will|shall|has|have|does|do)\b/i.test(outcome) ||
    outcome.split(/\s+/).some((w, i, words) => {
      const base = /^[a-z]+s$/i.test(w) ? baseOfThird(w) : null;
      if (base !== null && isBaseVerb(base)) return true;
      // "Released results appear ...": a plural subject and its verb.
      const v = w.toLowerCase();
      return i > 0 && pluralNoun(words[i - 1]!) && (isBaseVerb(v) || INTRANSITIVE.has(v));
    });
  // "No promotions in these pushes, ever" is a rule to keep, not a thing to support.
  if (/^(?:no|none of|nothing)\b/i.test(outcome)) return clean(`Ensure ${lowerFirst(outcome)}${when}`);
  if (!hasVerb || outcome.split(/\s+/).length <= 3) return clean(`Support ${lowerFirst(outcome)}${when}`);
  // "Amount must be positive" reads as the rule it is: "Ensure amount is positive".
  const stated = outcome
    .replace(/\b(?:must|should|shall|will) be\b/gi, 'is')
    .replace(/\b(?:must|should|shall) not be\b/gi, 'is not');
  return clean(`Ensure ${lowerFirst(stated)}${when}`);
}
