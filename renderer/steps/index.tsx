// Which screen belongs to which step.
import type { StepId } from '../store';
import { Welcome } from './Welcome';
import { CaCertificates } from './CaCertificates';
import { ClientCertificate } from './ClientCertificate';
import { TrustIdentity } from './TrustIdentity';
import { Install } from './Install';
import { Verify } from './Verify';
import { Summary } from './Summary';

const SCREENS: Record<StepId, () => React.JSX.Element> = {
  welcome: Welcome,
  ca: CaCertificates,
  client: ClientCertificate,
  identity: TrustIdentity,
  install: Install,
  verify: Verify,
  summary: Summary,
};

export function StepView({ step }: { step: StepId }) {
  const Screen = SCREENS[step];
  return <Screen />;
}
