// Welcome's slice: what the technician came to do, the 1E platform, the two endpoints as main judges them, and this Mac's facts
// (filling in the endpoints from the installed configuration when the client stays).
import type { EndpointsCheck, IpcResult, MacFactsView, SetupModeName } from '../../../src/shared/contract';
import type { Proceed, SliceCreator, WelcomeSlice, WelcomeState, WizardState } from '../../state/types';
import { call, takeEarlyFacts } from '../../api';
import { failed, idle, loaded } from '../../state/requests';
import { wizardError } from '../../ui/advice';

/**
 * What a new job starts without: the plans, runs, verification and summary of another job belonged to that job (an
 * Upgrade after a setup shows a fresh plan, not the setup's finished one). The CAs and the identity chosen stay.
 */
function freshJob(s: WizardState): Partial<WizardState> {
  return {
    visited: ['welcome'],
    finished: false,
    install: { ...s.install, plan: idle, replanned: false, run: idle },
    uninstall: { plan: idle, run: idle },
    trust: { ...s.trust, removeOld: null, plan: idle, run: idle },
    verify: { run: idle, debug: { plan: idle, run: idle } },
    summary: { ...s.summary, changes: idle, selected: [], undo: { plan: idle, run: idle }, report: idle },
  };
}

export const createWelcomeSlice: SliceCreator<WelcomeSlice> = (set, get) => {
  const patchWelcome = (p: Partial<WelcomeState>) => set((s) => ({ welcome: { ...s.welcome, ...p } }));
  // Answers can overtake each other while the technician types: only the latest counts.
  let endpointSeq = 0;
  // The facts on screen are boot.js's reading, adopted before the first render and not yet counted for a showing.
  let adopted = false;

  const showFacts = (r: IpcResult<MacFactsView>) => {
    patchWelcome({ facts: loaded(r), rereading: false });
    // The client-certificate step names the certificate after the host name 1E expects, unless one was typed.
    if (r.ok && get().client.csrHostname === '' && r.value.expectedHostName)
      set((s) => ({ client: { ...s.client, csrHostname: r.value.expectedHostName! } }));
  };

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
      rereading: false,
    },

    async loadFacts(refresh = false) {
      adopted = false;
      // The session's first reading may already be on its way, asked by boot.js while the app loaded.
      const early = refresh || get().welcome.facts.state !== 'idle' ? null : takeEarlyFacts();
      // A reading already on screen stays there while the Mac is asked again, so nothing jumps.
      if (get().welcome.facts.state === 'ready') patchWelcome({ rereading: true });
      else patchWelcome({ facts: { state: 'loading' } });
      showFacts(await (early?.facts ?? call('getMacFacts', { refresh })));
      await prefill();
    },

    adoptEarlyFacts() {
      if (get().welcome.facts.state !== 'idle') return;
      const early = takeEarlyFacts({ answeredOnly: true });
      if (!early?.answer) return;
      showFacts(early.answer);
      adopted = true;
      void prefill();
    },

    async readFactsForShowing() {
      if (adopted) {
        adopted = false;
        return;
      }
      await get().loadFacts(get().welcome.facts.state !== 'idle');
    },

    async setMode(mode) {
      if (mode !== get().mode) set((s) => ({ mode, ...freshJob(s) }));
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

const NEEDS_CLIENT: Record<Exclude<SetupModeName, 'new'>, string> = {
  upgrade: 'upgrade',
  'replace-certificate': 'give a new certificate',
  uninstall: 'remove',
};

/**
 * Upgrading, replacing the certificate and uninstalling need a 1E Client on the Mac: without one they would become a
 * silent new installation (or nothing at all), so the job is refused here, on the Mac as last read.
 */
export function missingClient(state: WizardState): Proceed {
  if (state.mode === 'new') return { ok: true };
  // The client is gone because this job removed it: that is the job done, not a reason to stop.
  if (state.mode === 'uninstall' && state.uninstall.run.state === 'done' && state.uninstall.run.value.ok)
    return { ok: true };
  const facts = state.welcome.facts;
  if (facts.state === 'loading' || facts.state === 'idle') return { ok: false, reason: 'Reading this Mac…' };
  if (facts.state === 'ready' && facts.value.client === null)
    return {
      ok: false,
      reason: `No 1E Client is installed on this Mac, so there is nothing to ${NEEDS_CLIENT[state.mode]}. ${state.mode === 'uninstall' ? 'Nothing to do here.' : 'Choose New setup.'}`,
    };
  return { ok: true };
}

export function canProceedWelcome(state: WizardState): Proceed {
  const client = missingClient(state);
  if (!client.ok) return client;
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
