// The preview's own answers to frames no handler sees: one that is no request, and one whose thread stopped by itself.
export const MALFORMED = {
  id: null,
  result: { ok: false, error: { code: 'invalid-request', message: 'Malformed message.', hint: '' } },
} as const;

/** The result a request gets when its connection's thread failed before answering it. */
export const INTERNAL = { ok: false, error: { code: 'internal', message: 'Internal error.', hint: '' } } as const;
