// Handlers of the setup half: Welcome, CA certificates, client certificate (the work is in ./setup/*).
import type { Handlers } from './router';
import { isOnboardError } from '../../core/errors';
import type { Session } from './session';
import type { welcomeMethods } from '../../shared/contract/welcome';
import type { caMethods } from '../../shared/contract/ca';
import type { clientMethods } from '../../shared/contract/client';
import { currentFacts, factsView, setEndpoints } from './setup/facts';
import { addCaFiles, caView, removeCaCertificate } from './setup/ca';
import {
  clearIdentity,
  createCsr,
  exportOpenedPfx,
  getCsr,
  getIdentity,
  loadIssuedCertificate,
  openPfx,
  rewrapOpenedPfx,
} from './setup/identity';
import { createLabCa, issueLabCertificate, openLabCa } from './setup/lab';
import { screenError, type SetupScreen } from './setup/wording';

type SetupHandlers = Pick<
  Handlers<Session>,
  keyof typeof welcomeMethods | keyof typeof caMethods | keyof typeof clientMethods
>;

/** Where each method's errors are shown, when the advice depends on it. */
const SCREEN_OF: Partial<Record<keyof SetupHandlers, SetupScreen>> = {
  addCaFiles: 'ca',
  removeCaCertificate: 'ca',
  getCaCertificates: 'ca',
  loadIssuedCertificate: 'issued-certificate',
};

/** Every setup error reaches the wizard, so its advice is put in the wizard's words (no command-line options). */
function worded(handlers: SetupHandlers): SetupHandlers {
  const out: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers) as [
    keyof SetupHandlers,
    (r: unknown, c: unknown) => unknown,
  ][]) {
    out[method] = async (req: unknown, ctx: unknown) => {
      try {
        return await handler(req, ctx);
      } catch (e) {
        throw isOnboardError(e) ? screenError(e, SCREEN_OF[method] ?? 'other') : e;
      }
    };
  }
  return out as SetupHandlers;
}

export function createSetupHandlers(): SetupHandlers {
  return worded({
    getMacFacts: async (req, { session }) => factsView(await currentFacts(session, req.refresh)),
    setMode: (req, { session }) => {
      session.setup.mode = req.mode;
      return { mode: req.mode };
    },
    setEndpoints: (req, { session }) => setEndpoints(session, req),

    addCaFiles: async (req, { session }) => {
      // The keychain comparison needs the facts; asking is cheap and read-only.
      await currentFacts(session);
      return addCaFiles(session, req.files);
    },
    removeCaCertificate: (req, { session }) => removeCaCertificate(session, req.sha256),
    getCaCertificates: async (_req, { session }) => {
      await currentFacts(session);
      return caView(session);
    },

    openPfx: (req, { session }) => openPfx(session, req),
    rewrapPfx: (req, { session }) => rewrapOpenedPfx(session, req),
    exportPfx: (_req, { session }) => exportOpenedPfx(session),

    createCsr: (req, { session }) => createCsr(session, req.hostname),
    getCsr: (_req, { session }) => getCsr(session),
    loadIssuedCertificate: (req, { session }) => loadIssuedCertificate(session, req),

    createLabCa: (req, { session }) => createLabCa(session, req),
    openLabCa: (req, { session }) => openLabCa(session, req),
    issueLabCertificate: (req, { session }) => issueLabCertificate(session, req.hostname),

    getIdentity: (_req, { session }) => getIdentity(session),
    clearIdentity: (_req, { session }) => clearIdentity(session),
  });
}
