// "Export for MDM" (on CA certificates and the summary): the CA trust profile and the fleet kit's files, saved one by one.
import { useState } from 'react';
import type { MdmFile } from '../../src/shared/contract/ca';
import type { Loadable } from '../state/types';
import { useWizard } from '../state/store';
import { download } from './files';
import { ErrorBox } from './ErrorBox';

const FILES: { file: MdmFile; label: string }[] = [
  { file: 'profile', label: 'CA profile (.mobileconfig)' },
  { file: 'install', label: 'install.sh' },
  { file: 'attribute', label: 'extension-attribute.sh' },
  { file: 'readme', label: 'README.md' },
];

export function MdmExport() {
  const fetchMdmFile = useWizard((s) => s.fetchMdmFile);
  const [saving, setSaving] = useState<Loadable<string>>({ state: 'idle' });
  const busy = saving.state === 'loading' ? saving.label : null;

  async function save(file: MdmFile) {
    setSaving({ state: 'loading', label: file });
    const r = await fetchMdmFile(file);
    if (!r.ok) {
      setSaving({ state: 'error', error: r.error });
      return;
    }
    download(r.value.fileName, r.value.mimeType, r.value.content);
    setSaving({ state: 'ready', value: r.value.fileName });
  }

  return (
    <section className="card" aria-labelledby="mdm-export-heading">
      <h2 id="mdm-export-heading">Export for MDM</h2>
      <p>
        Onboarding many Macs? Since macOS 11 only a configuration profile sent by your MDM (Jamf Pro, Intune, Kandji,
        Mosyle…) can make a Mac trust these CAs without someone at it. Deploy the profile first, then the kit's
        install.sh (run as root by the MDM, each Mac's own .pfx given to it) does the rest and never changes trust;
        extension-attribute.sh reports each Mac's state. The README says how. This kit configures a 1E Client already on
        the Macs; for one that also installs it, use <code>onboard fleet kit --installer</code>.
      </p>
      <div className="apply-row">
        {FILES.map(({ file, label }) => (
          <button
            key={file}
            type="button"
            className="secondary"
            onClick={() => void save(file)}
            disabled={busy !== null}
          >
            {busy === file ? 'Preparing…' : `Save ${label}`}
          </button>
        ))}
      </div>
      <p role="status" className="muted">
        {saving.state === 'ready' ? `Saved ${saving.value} to your downloads.` : ''}
      </p>
      {saving.state === 'error' && <ErrorBox error={saving.error} title="Could not make the file." />}
    </section>
  );
}
