// Which screen belongs to which step: each step's folder holds its screen, its slice and its parts.
import type { StepId } from '../state/types';
import { Welcome } from './welcome/Welcome';
import { CaCertificates } from './ca/CaCertificates';
import { ClientCertificate } from './client/ClientCertificate';
import { TrustIdentity } from './trust/TrustIdentity';
import { Install } from './install/Install';
import { Uninstall } from './install/Uninstall';
import { Verify } from './verify/Verify';
import { Summary } from './summary/Summary';

const SCREENS: Record<StepId, () => React.JSX.Element> = {
  welcome: Welcome,
  ca: CaCertificates,
  client: ClientCertificate,
  install: Install,
  uninstall: Uninstall,
  identity: TrustIdentity,
  verify: Verify,
  summary: Summary,
};

export function StepView({ step }: { step: StepId }) {
  const Screen = SCREENS[step];
  return <Screen />;
}
