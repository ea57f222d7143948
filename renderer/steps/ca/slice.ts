// The CA certificates step's slice: the CAs main keeps, as cards and a tree, and what each dropped file gave.
import type { CaFileOutcome, CaView } from '../../../src/shared/contract';
import type { CaSlice, CaState, Proceed, SliceCreator, WizardState } from '../../state/types';
import { call } from '../../api';
import { busyText, failed, idle, loading } from '../../state/requests';
import { MAX_UPLOAD_BYTES, readUpload } from '../../ui/files';

const emptyCa: CaView = { certificates: [], crls: [], tree: [], problems: [] };

/** What the files added gave, in one sentence for the live region. */
function outcomeSentence(outcomes: CaFileOutcome[]): string {
  const added = outcomes.reduce((n, o) => n + o.added, 0);
  const refused = outcomes.filter((o) => o.error).length;
  const parts = [`${added} CA certificate${added === 1 ? '' : 's'} added`];
  if (refused) parts.push(`${refused} file${refused === 1 ? '' : 's'} could not be used`);
  return `${parts.join('; ')}.`;
}

export const createCaSlice: SliceCreator<CaSlice> = (set, get) => {
  const patchCa = (p: Partial<CaState>) => set((s) => ({ ca: { ...s.ca, ...p } }));
  return {
    ca: { view: emptyCa, request: idle },

    async addCaFiles(files) {
      const outcomes: CaFileOutcome[] = [];
      // One file per request keeps every message well under the transport's size limit.
      for (const file of files) {
        patchCa({ request: loading(`Reading ${file.name}…`) });
        const upload = await readUpload(file, MAX_UPLOAD_BYTES);
        if (!upload.ok) {
          outcomes.push({ fileName: file.name, added: 0, duplicates: 0, skipped: [], error: upload.error });
          continue;
        }
        const r = await call('addCaFiles', { files: [upload.value] });
        if (!r.ok) {
          outcomes.push({ fileName: file.name, added: 0, duplicates: 0, skipped: [], error: r.error });
          continue;
        }
        outcomes.push(...r.value.files);
        patchCa({
          view: {
            certificates: r.value.certificates,
            crls: r.value.crls ?? [],
            tree: r.value.tree,
            problems: r.value.problems,
          },
        });
      }
      patchCa({ request: { state: 'ready', value: outcomes } });
      get().resultReady('ca-result', outcomeSentence(outcomes));
    },

    async removeCaCertificate(sha256) {
      const r = await call('removeCaCertificate', { sha256 });
      if (r.ok) patchCa({ view: r.value, request: idle });
      else patchCa({ request: failed(r.error) });
    },

    async removeCaCrl(id) {
      const r = await call('removeCaCrl', { id });
      if (r.ok) patchCa({ view: r.value, request: idle });
      else patchCa({ request: failed(r.error) });
    },

    fetchMdmFile(file) {
      return call('exportForMdm', { file });
    },

    async refreshCa() {
      const r = await call('getCaCertificates', {});
      if (r.ok) patchCa({ view: r.value });
      else patchCa({ request: failed(r.error) });
    },
  };
};

function failingCaCount(ca: CaState): number {
  return ca.view.certificates.filter((c) => c.problems.some((p) => p.severity === 'fail')).length;
}

export function canProceedCa(state: WizardState): Proceed {
  const ca = state.ca;
  const busy = busyText(ca.request);
  if (busy) return { ok: false, reason: busy };
  const failing = failingCaCount(ca);
  if (failing > 0)
    return {
      ok: false,
      reason: `${failing === 1 ? 'One CA certificate has' : `${failing} CA certificates have`} a problem: fix or remove ${failing === 1 ? 'it' : 'them'}.`,
    };
  const whole = ca.view.problems.find((p) => p.severity === 'fail');
  if (whole) return { ok: false, reason: whole.message };
  // None added is allowed: a lab CA adds its own on the next step, and the client check says if trust is missing.
  return { ok: true };
}
