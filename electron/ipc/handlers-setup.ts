// Handlers of the setup half: Welcome, CA certificates, client certificate (the work is in ./setup/*).
import type { Handlers } from './router';
import type { Session } from './session';
import type { setupMethods } from './contract-setup';
import { currentFacts, factsView, setEndpoints } from './setup/facts';
import { addCaFiles, caView, removeCaCertificate } from './setup/ca';
import {
  clearIdentity, createCsr, exportOpenedPfx, getCsr, getIdentity, loadIssuedCertificate, openPfx, rewrapOpenedPfx,
} from './setup/identity';
import { createLabCa, issueLabCertificate, openLabCa } from './setup/lab';

export function createSetupHandlers(): Pick<Handlers<Session>, keyof typeof setupMethods> {
  return {
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
    rewrapPfx: (_req, { session }) => rewrapOpenedPfx(session),
    exportPfx: (_req, { session }) => exportOpenedPfx(session),

    createCsr: (req, { session }) => createCsr(session, req.hostname),
    getCsr: (_req, { session }) => getCsr(session),
    loadIssuedCertificate: (req, { session }) => loadIssuedCertificate(session, req),

    createLabCa: (req, { session }) => createLabCa(session, req),
    openLabCa: (req, { session }) => openLabCa(session, req),
    issueLabCertificate: (req, { session }) => issueLabCertificate(session, req.hostname),

    getIdentity: (_req, { session }) => getIdentity(session),
    clearIdentity: (_req, { session }) => clearIdentity(session),
  };
}
