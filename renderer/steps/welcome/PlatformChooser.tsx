// Welcome's platform question: 1E on premises or 1E SaaS, whose documents ask different revocation information.
import type { PlatformName } from '../../../src/shared/contract';
import { useWizard } from '../../state/store';

const PLATFORMS: { id: PlatformName; label: string }[] = [
  { id: 'on-prem', label: '1E on premises (your own 1E servers)' },
  { id: 'saas', label: '1E SaaS (1E hosts the servers)' },
];

export function PlatformChooser() {
  const platform = useWizard((s) => s.platform);
  const setPlatform = useWizard((s) => s.setPlatform);
  return (
    <fieldset className="card">
      <legend>Which 1E platform does this Mac connect to?</legend>
      {PLATFORMS.map((p) => (
        <label key={p.id} className="radio">
          <input
            type="radio"
            name="platform"
            value={p.id}
            checked={platform === p.id}
            onChange={() => void setPlatform(p.id)}
          />{' '}
          {p.label}
        </label>
      ))}
      <p className="muted">
        The client certificate is checked against that platform&apos;s requirements: on premises needs a CRL
        distribution point over HTTP; SaaS needs an OCSP responder or an HTTP(S) CRL distribution point.
      </p>
    </fieldset>
  );
}
