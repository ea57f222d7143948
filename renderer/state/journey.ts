// Which steps each job has, in order, and what each is called for that job: an uninstall is Welcome → Uninstall →
// Summary, replacing the certificate installs nothing, and an upgrade's Install step is named for the upgrade.
import type { SetupModeName } from '../../src/shared/contract';
import type { StepId } from './types';

export interface StepInfo {
  id: StepId;
  title: string;
  summary: string;
}

const ORDER: Record<SetupModeName, StepId[]> = {
  new: ['welcome', 'ca', 'client', 'install', 'identity', 'verify', 'summary'],
  // The identity is imported again after an upgrade: a new client binary does not inherit access to the key.
  upgrade: ['welcome', 'ca', 'client', 'install', 'identity', 'verify', 'summary'],
  // The client and its configuration stay: Trust & identity imports the new certificate and restarts the client.
  'replace-certificate': ['welcome', 'ca', 'client', 'identity', 'verify', 'summary'],
  uninstall: ['welcome', 'uninstall', 'summary'],
};

const SUMMARY: Record<StepId, string> = {
  welcome: 'This Mac, the job, and where the 1E servers are',
  ca: "Trust your organisation's certificate authorities",
  client: 'A certificate for this Mac that meets every 1E requirement',
  install: 'Install and configure the 1E Client',
  uninstall: 'Remove the 1E Client from this Mac',
  identity: "Put the CAs and this Mac's identity into the System keychain for the 1E Client",
  verify: 'Prove the Mac connects, as the Switch judges it',
  summary: 'What changed, and the report for the ticket',
};

const TITLE: Record<StepId, string> = {
  welcome: 'Welcome',
  ca: 'CA certificates',
  client: 'Client certificate',
  install: 'Install',
  uninstall: 'Uninstall',
  identity: 'Trust & identity',
  verify: 'Verify',
  summary: 'Summary',
};

/** Titles and summaries that differ by job; the rest are as above. */
const BY_MODE: Partial<Record<SetupModeName, Partial<Record<StepId, Partial<Omit<StepInfo, 'id'>>>>>> = {
  upgrade: {
    install: { title: 'Upgrade', summary: 'Install the newer 1E Client; its configuration is kept' },
    identity: { summary: "Import this Mac's identity again for the new 1E Client, and restart it" },
  },
  'replace-certificate': {
    client: { title: 'New certificate', summary: 'The certificate that replaces the one this Mac has now' },
    identity: { summary: 'Import the new certificate and restart the 1E Client so that it uses it' },
  },
  uninstall: {
    welcome: { summary: 'This Mac, and the job' },
    summary: { summary: 'What was removed from this Mac' },
  },
};

/** The steps of a job, in order, with their names for that job. */
export function stepsFor(mode: SetupModeName): StepInfo[] {
  return ORDER[mode].map((id) => ({ id, title: TITLE[id], summary: SUMMARY[id], ...BY_MODE[mode]?.[id] }));
}

/** Where a step sits in a job; -1 when the job has no such step (e.g. Install when replacing the certificate). */
export function positionOf(mode: SetupModeName, step: StepId): number {
  return ORDER[mode].indexOf(step);
}

export function stepInfo(mode: SetupModeName, step: StepId): StepInfo {
  return { id: step, title: TITLE[step], summary: SUMMARY[step], ...BY_MODE[mode]?.[step] };
}
