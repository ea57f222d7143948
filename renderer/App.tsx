// The wizard frame: where you are, the current step, and the way forward and back.
import { useEffect, useRef } from 'react';
import { STEPS, stepIndex, useWizard } from './state/store';
import { call } from './api';
import { loaded } from './state/requests';
import { StepView } from './steps';
import { canProceed } from './state/selectors';

export function App() {
  const step = useWizard((s) => s.step);
  const app = useWizard((s) => s.app);
  const state = useWizard();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const index = stepIndex(step);
  const current = STEPS[index]!;

  useEffect(() => {
    if (app.state !== 'idle') return;
    state.setApp({ state: 'loading' });
    void call('getAppInfo', {}).then((r) => state.setApp(loaded(r)));
  }, [app.state, state]);

  // Moving to another step puts keyboard and screen-reader focus on its heading; the
  // first screen keeps the browser's own starting focus.
  const firstStep = useRef(step);
  useEffect(() => {
    if (step === firstStep.current) return;
    firstStep.current = '' as typeof step;
    headingRef.current?.focus();
  }, [step]);

  const simulated = app.state === 'ready' && app.value.simulated;
  const proceed = canProceed(state, step);

  return (
    <div className="frame">
      {simulated && (
        <div className="banner" role="status">
          {app.state === 'ready' && app.value.shell === 'preview' ? 'Preview: simulated Mac' : 'Simulated Mac'} —
          nothing on this computer is changed.
        </div>
      )}
      <header className="topbar">
        <span className="brand" aria-hidden="true">
          ◆
        </span>
        <span className="product">Onboard</span>
        <span className="tagline">Connect this Mac to 1E</span>
      </header>
      <div className="body">
        <nav className="steps" aria-label="Onboarding steps">
          <ol>
            {STEPS.map((s, i) => (
              <li key={s.id}>
                <button
                  type="button"
                  className={`step-link ${i < index ? 'done' : ''}`}
                  aria-current={s.id === step ? 'step' : undefined}
                  onClick={() => state.goTo(s.id)}
                >
                  <span className="step-number" aria-hidden="true">
                    {i + 1}
                  </span>
                  <span>{s.title}</span>
                </button>
              </li>
            ))}
          </ol>
        </nav>
        <main className="content" aria-labelledby="step-heading">
          <h1 id="step-heading" ref={headingRef} tabIndex={-1}>
            {current.title}
          </h1>
          <p className="step-summary">{current.summary}</p>
          <StepView step={step} />
        </main>
      </div>
      <footer className="footer">
        <button type="button" className="secondary" onClick={state.back} disabled={index === 0}>
          Back
        </button>
        <span className="progress-text">
          Step {index + 1} of {STEPS.length}
        </span>
        <span className="footer-end">
          {!proceed.ok && index < STEPS.length - 1 && (
            <span id="continue-reason" className="continue-reason">
              {proceed.reason}
            </span>
          )}
          <button
            type="button"
            className="primary"
            onClick={state.next}
            disabled={index === STEPS.length - 1 || !proceed.ok}
            aria-describedby={proceed.ok ? undefined : 'continue-reason'}
          >
            Continue
          </button>
        </span>
      </footer>
    </div>
  );
}
