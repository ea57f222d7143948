// Which screen belongs to which step.
import type { StepId } from '../store';
import { Welcome } from './Welcome';

const SCREENS: Partial<Record<StepId, () => React.JSX.Element>> = {
  welcome: Welcome,
};

export function StepView({ step }: { step: StepId }) {
  const Screen = SCREENS[step];
  return Screen ? <Screen /> : <p className="muted">This step is not available in this build.</p>;
}
