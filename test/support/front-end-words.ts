// Words that belong to one front end: the command line's options and verbs, the wizard's steps and buttons. The
// core's messages, hints and fixes use neither (test/unit/core/neutral-texts.test.ts); each front end's advice
// table (src/cli/advice.ts, renderer/ui/advice.ts) adds its own.

/** The command-line syntax in `text` (an option such as --ca, or an `onboard` verb), or null when there is none. */
export function commandLineSyntax(text: string): string | null {
  const option = /(?:^|[\s(`"'])(--[a-z][a-z0-9-]*)/.exec(text);
  if (option) return option[1]!;
  const verb = /`onboard\b[^`]*`?|\bonboard (?:inspect|check|csr|pfx|lab|plan|apply|verify)\b/.exec(text);
  return verb ? verb[0] : null;
}

/** The wizard's own words in `text` (a step or a button by name, "in the wizard"), or null when there are none. */
export function wizardWords(text: string): string | null {
  const m =
    /\b(?:Welcome|CA certificates|Client certificate|Install|Trust & identity|Verify|Summary) step\b|\bbutton\b|\b(?:in|of) (?:the|this) (?:wizard|app)\b|"Make a key and request on this Mac"|"An existing \.pfx"|"Re-wrap for macOS"/.exec(
      text,
    );
  return m ? m[0] : null;
}
