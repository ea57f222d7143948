// Welcome's slice: what the technician came to do, the 1E platform, the two endpoints as main judges them, and this Mac's facts
// (filling in the endpoints from the installed configuration when the client stays).
import type { EndpointsCheck } from '../../../src/shared/contract';
import type { Proceed, SliceCreator, WelcomeSlice, WelcomeState, WizardState } from '../../state/types';
import { call } from '../../api';
import { failed, loaded } from '../../state/requests';
import { wizardError } from '../../ui/advice';

export const createWelcomeSlice: SliceCreator<WelcomeSlice> = (set, get) => {
  const patchWelcome = (p: Partial<WelcomeState>) => set((s) => ({ welcome: { ...s.welcome, ...p } }));
  // Answers can overtake each other while the technician types: only the latest counts.
  let endpointSeq = 0;

  /** Fills empty endpoint fields from the installed 1E.Client.conf when the client stays (upgrade, new certificate). */
  const prefill = async () => {
    const { mode, welcome } = get();
    if ((mode !== 'upgrade' && mode !== 'replace-certificate') || welcome.facts.state !== 'ready') return;
    const conf = welcome.facts.value.conf;
    if (!conf) return;
    const sw = welcome.switchAddress.trim() === '' ? conf.switchAddress : null;
    const bg = welcome.backgroundUrl.trim() === '' ? conf.backgroundUrl : null;
    if (sw === null && bg === null) return;
    patchWelcome({
      ...(sw !== null ? { switchAddress: sw } : {}),
      ...(bg !== null ? { backgroundUrl: bg } : {}),
      touched: { switchAddress: true, backgroundUrl: true },
      prefilledFrom: conf.path,
    });
    await validateEndpoints();
  };

  const validateEndpoints = async () => {
    const seq = ++endpointSeq;
    const { switchAddress, backgroundUrl } = get().welcome;
    const r = await call('setEndpoints', { switchAddress, backgroundUrl });
    if (seq !== endpointSeq) return;
    patchWelcome({
      check: r.ok
        ? { state: 'ready', value: { for: { switchAddress, backgroundUrl }, result: r.value } }
        : failed(r.error),
    });
  };

  return {
    mode: 'new',
    platform: 'on-prem',
    welcome: {
      facts: { state: 'idle' },
      switchAddress: '',
      backgroundUrl: '',
      touched: { switchAddress: false, backgroundUrl: false },
      check: { state: 'idle' },
      prefilledFrom: null,
    },

    async loadFacts(refresh = false) {
      patchWelcome({ facts: { state: 'loading' } });
      const r = await call('getMacFacts', { refresh });
      patchWelcome({ facts: loaded(r) });
      // The client-certificate step names the certificate after the host name 1E expects, unless one was typed.
      if (r.ok && get().client.csrHostname === '' && r.value.expectedHostName)
        set((s) => ({ client: { ...s.client, csrHostname: r.value.expectedHostName! } }));
      await prefill();
    },

    async setMode(mode) {
      set({ mode });
      const r = await call('setMode', { mode });
      if (!r.ok) patchWelcome({ check: failed(r.error) });
      await prefill();
    },

    async setPlatform(platform) {
      const before = get().platform;
      set({ platform });
      const r = await call('setPlatform', { platform });
      // Main keeps judging by the platform it knows: show that one rather than a choice it never heard.
      if (!r.ok) {
        set({ platform: before });
        patchWelcome({ check: failed(r.error) });
      }
    },

    async editEndpoint(field, value) {
      patchWelcome({ [field]: value, prefilledFrom: null } as Partial<WelcomeState>);
      await validateEndpoints();
    },

    touchEndpoint(field) {
      const { touched } = get().welcome;
      if (!touched[field]) patchWelcome({ touched: { ...touched, [field]: true } });
    },
  };
};

/** The endpoints as main last judged them, if that judgement is for what is typed now. */
export function currentEndpointCheck(w: WelcomeState): EndpointsCheck | null {
  if (w.check.state !== 'ready') return null;
  const { for: judged, result } = w.check.value;
  return judged.switchAddress === w.switchAddress && judged.backgroundUrl === w.backgroundUrl ? result : null;
}

export function canProceedWelcome(state: WizardState): Proceed {
  if (state.mode === 'uninstall') return { ok: true };
  const w = state.welcome;
  if (w.switchAddress.trim() === '' || w.backgroundUrl.trim() === '') {
    return { ok: false, reason: 'Enter the Switch address and the Background Channel URL.' };
  }
  const check = currentEndpointCheck(w);
  if (!check)
    return {
      ok: false,
      reason: w.check.state === 'error' ? wizardError(w.check.error).message : 'Checking the addresses…',
    };
  if (check.switchAddress && !check.switchAddress.ok)
    return { ok: false, reason: `Switch: ${wizardError(check.switchAddress).message}` };
  if (check.backgroundUrl && !check.backgroundUrl.ok)
    return { ok: false, reason: `Background Channel: ${wizardError(check.backgroundUrl).message}` };
  return check.saved ? { ok: true } : { ok: false, reason: 'Checking the addresses…' };
}
