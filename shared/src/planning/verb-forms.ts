/**
 * English verb forms for turning what a story says ("Expired cards are hidden") into what a team does
 * ("Hide expired cards"): a lexicon of the verbs tickets use, their irregular forms, and the few rules
 * that derive the rest (base form of "-s", "-ed" forms; "-ing" of a base).
 */

/** Base forms of the verbs that tickets use; they let regular forms be read back without guessing. */
export const VERBS: ReadonlySet<string> = new Set(
  (
    'accept access acknowledge add exceed arrive assess become complete finalise finalize perform prepare recover refuse repair respond reveal settle tap carry contain get adjust advance aggregate alert allow analyse analyze answer append apply approve archive ' +
    'ask assign attach audit authenticate authorize authorise back backfill block book bounce build bump ' +
    'calculate call cancel capture carry change charge chase check choose claim clean clear click close collect ' +
    'combine compare compute confirm connect contain convert copy correct count create credit cut debit decline ' +
    'decrypt deduct default defer delete deliver deny deploy deprecate describe detect disable discard dismiss ' +
    'display dispatch download drop duplicate earn edit email e-mail enable encrypt end enforce enter escalate ' +
    'estimate evaluate exclude expire explain export expose extend fail fetch file fill filter find finish fix ' +
    'flag follow forward freeze generate give go grant group handle have hide highlight hold ignore import ' +
    'include increase index inform insert install invite issue join keep label land launch lead limit link ' +
    'list load lock log look make map mark mask match merge migrate mirror monitor move name navigate note ' +
    'notify offer open order override own page paginate park parse pass pause pay pick pin place plan play ' +
    'poll post preselect prevent preview price print process produce promote prompt protect provide publish ' +
    'pull purge push queue quote raise rank rate read reassign rebuild receive recalculate reconcile record ' +
    'redact redeem redirect refresh refund register reject release reload remain remind remove rename render ' +
    'reopen reorder repeat replace reply report request require reschedule reserve reset resend resize resolve ' +
    'restore restrict resume retain retry return reuse revert review revoke roll rotate round route run save ' +
    'scale scan schedule score search see select sell send serve set share ship show sign skip snooze sort ' +
    'split start stay stop store stream submit subscribe suggest sum summarise summarize supply support ' +
    'suspend swap switch sync synchronise synchronize tag take tell test throttle time toggle total track ' +
    'transfer translate trigger trim turn unblock undo unlock unpublish unsubscribe update upgrade upload use ' +
    'validate verify view void wait warn watch withdraw write zoom'
  ).split(' '),
);

/** Verbs that take no object: "Reminders go out at 10:30" cannot become "Go reminders out at 10:30". */
export const INTRANSITIVE: ReadonlySet<string> = new Set(
  'go come arrive happen occur appear exist stay remain work fail succeed wait last fall rise belong depend differ matter land'.split(
    ' ',
  ),
);

const IRREGULAR_PAST: Record<string, string> = {
  shown: 'show',
  sent: 'send',
  hidden: 'hide',
  written: 'write',
  kept: 'keep',
  paid: 'pay',
  held: 'hold',
  made: 'make',
  taken: 'take',
  given: 'give',
  told: 'tell',
  found: 'find',
  built: 'build',
  chosen: 'choose',
  frozen: 'freeze',
  broken: 'break',
  drawn: 'draw',
  seen: 'see',
  run: 'run',
  set: 'set',
  put: 'put',
  cut: 'cut',
  read: 'read',
  sold: 'sell',
  bought: 'buy',
  led: 'lead',
  left: 'leave',
  met: 'meet',
  got: 'get',
  gotten: 'get',
  done: 'do',
  been: 'be',
  brought: 'bring',
  thrown: 'throw',
  known: 'know',
  grown: 'grow',
  spent: 'spend',
  lost: 'lose',
  won: 'win',
  struck: 'strike',
  rewritten: 'rewrite',
  overridden: 'override',
  withdrawn: 'withdraw',
  undone: 'undo',
  reset: 'reset',
  resent: 'resend',
  rebuilt: 'rebuild',
  reread: 'reread',
};

const IRREGULAR_THIRD: Record<string, string> = { has: 'have', does: 'do', goes: 'go', is: 'be', are: 'be' };

/** Base form of a past participle or past tense ("listed" -> "list", "stored" -> "store"), or null. */
export function baseOfPast(word: string): string | null {
  const w = word.toLowerCase();
  const irregular = IRREGULAR_PAST[w];
  if (irregular) return irregular;
  if (w.length < 4) return null;
  if (w.endsWith('ied')) {
    const y = `${w.slice(0, -3)}y`;
    return VERBS.has(y) ? y : null;
  }
  if (!w.endsWith('ed')) return null;
  const stem = w.slice(0, -2);
  const candidates = [
    stem,
    `${stem}e`,
    stem.length > 2 && stem.at(-1) === stem.at(-2) ? stem.slice(0, -1) : '',
  ];
  for (const c of candidates) if (c && VERBS.has(c)) return c;
  // A verb the lexicon lacks: "-ated", "-ised", "-ized" keep their e; others drop "ed".
  return /(?:at|is|iz|ur|ir|or|ac|uc|rg|ng|v|bl|tl|pl|cl)$/.test(stem) ? `${stem}e` : stem;
}

/** Base form of a third-person verb ("reconciles" -> "reconcile"), or null when it is not one. */
export function baseOfThird(word: string): string | null {
  const w = word.toLowerCase();
  const irregular = IRREGULAR_THIRD[w];
  if (irregular) return irregular;
  if (!w.endsWith('s') || w.endsWith('ss') || w.endsWith('us') || w.length < 3) return null;
  const candidates = w.endsWith('ies')
    ? [`${w.slice(0, -3)}y`]
    : w.endsWith('es')
      ? [w.slice(0, -1), w.slice(0, -2)]
      : [w.slice(0, -1)];
  for (const c of candidates) if (VERBS.has(c)) return c;
  return null;
}

/** Verbs stressed on a last syllable that ends consonant-vowel-consonant: "submit" -> "submitting". */
const DOUBLES_LAST = new Set(
  'submit commit permit admit omit emit refer prefer occur transfer control patrol compel expel forget begin regret equip unzip upset'.split(
    ' ',
  ),
);

/** "-ing" form of a base verb ("go" -> "going", "store" -> "storing", "stop" -> "stopping"). */
export function gerund(base: string): string {
  const w = base.toLowerCase();
  if (DOUBLES_LAST.has(w)) return `${w}${w.at(-1)}ing`;
  if (w.endsWith('ie')) return `${w.slice(0, -2)}ying`;
  if (w.endsWith('e') && !/(?:ee|ye|oe)$/.test(w) && w !== 'be') return `${w.slice(0, -1)}ing`;
  if (/^[^aeiou]*[aeiou][bdgklmnprt]$/.test(w) && w.length <= 4) return `${w}${w.at(-1)}ing`;
  return `${w}ing`;
}

/** Whether a word is a verb in its base form that the lexicon knows. */
export function isBaseVerb(word: string): boolean {
  return VERBS.has(word.toLowerCase());
}
