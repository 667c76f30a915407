/**
 * What an epic's pages say about the product the plan is for: an app, a web product, an API with no
 * user interface. It decides which team builds a story's screens (frontend or mobile) and whether any
 * team builds screens at all; a negation ("there is no UI in this release", "no app") always wins.
 */
import { PRODUCT_CUES } from './work-rules.js';

export interface ProductProfile {
  /** The product has a native or cross-platform app that this epic changes. */
  mobile_app: boolean;
  /** The product has a browser UI. */
  web: boolean;
  /** This release has no user interface at all (an API, a pipeline). */
  no_ui: boolean;
  /** With both an app and a browser UI: the app is what the epic is mostly about. */
  app_first?: boolean;
}

export interface ProductText {
  /** The epic's title ("Live trip sharing (iOS + Android)"): the platform it names weighs most. */
  title?: string;
  /** What the epic says it is and does: context, stories, constraints. */
  text: string;
  /** What it puts out of scope: naming the app or a UI there takes it out of the plan. */
  exclusions?: readonly string[];
}

const UI_IN_EXCLUSION = /\b(?:ui|user interface|screens?|dashboard|front-?end|portal|console|page)\b/i;
const APP_IN_EXCLUSION = /\b(?:app|apps|ios|android|mobile)\b/i;
const WEB_IN_EXCLUSION = /\b(?:web(?: version| banking| console)?|browser|website)\b/i;

/** Reads the product's platforms from an epic's text. Deterministic; a story alone also works. */
export function readProductProfile(input: ProductText): ProductProfile {
  const text = input.text;
  const exclusions = (input.exclusions ?? []).join('\n');
  const noUi = PRODUCT_CUES.no_ui.test(text) || PRODUCT_CUES.no_ui.test(exclusions);
  // "Changes to the app" out of scope means the app is not this epic's to change.
  const appOut =
    PRODUCT_CUES.no_app.test(text) ||
    (APP_IN_EXCLUSION.test(exclusions) && !PRODUCT_CUES.mobile_app.test(stripped(text, input.exclusions)));
  const mobile = !noUi && !appOut && PRODUCT_CUES.mobile_app.test(`${input.title ?? ''}\n${text}`);
  const webOut = (WEB_IN_EXCLUSION.test(exclusions) || PRODUCT_CUES.no_web.test(text)) && mobile;
  const web = !noUi && !webOut && (PRODUCT_CUES.web.test(text) || !mobile);
  const count = (re: RegExp) => {
    const n = (t: string) => t.match(new RegExp(re.source, 'gi'))?.length ?? 0;
    return n(text) + 3 * n(input.title ?? '');
  };
  return {
    mobile_app: mobile,
    web,
    ...(mobile && web ? { app_first: count(PRODUCT_CUES.mobile_app) > count(PRODUCT_CUES.web) } : {}),
    no_ui:
      noUi ||
      (!mobile && !web) ||
      (UI_IN_EXCLUSION.test(exclusions) && /\bapi\b/i.test(text) && !PRODUCT_CUES.web.test(text)),
  };
}

function stripped(text: string, exclusions: readonly string[] | undefined): string {
  let out = text;
  for (const x of exclusions ?? []) out = out.split(x).join(' ');
  return out;
}
