// The wizard frame: where you are (each step's work marked done only when it is), the current step, and the way
// forward: the step's own action when it has one to take, mirrored from the page, else Continue.
import { useEffect, useRef } from 'react';
import { useWizard } from './state/store';
import { positionOf, stepInfo, stepsFor } from './state/journey';
import { call } from './api';
import { loaded } from './state/requests';
import { StepView } from './steps';
import { canProceed, stepAction, stepProgress } from './state/selectors';
import type { StepId, StepProgress } from './state/types';
import { Announcer } from './ui/FocusResult';
import { StepActionButton } from './ui/PlanSummary';

/** What the sidebar says of a step, in words for screen readers and a mark for the eye. */
function sidebarMark(progress: StepProgress, passed: boolean, n: number): { mark: string; words: string } {
  if (progress === 'done') return { mark: '✓', words: 'done' };
  if (progress === 'problem') return { mark: '!', words: 'needs attention' };
  if (passed) return { mark: '–', words: 'not done' };
  return { mark: String(n), words: '' };
}

function Sidebar() {
  const state = useWizard();
  const steps = stepsFor(state.mode);
  const here = positionOf(state.mode, state.step);
  return (
    <nav className="steps" aria-label="Onboarding steps">
      <ol>
        {steps.map((s, i) => {
          const progress = stepProgress(state, s.id);
          const current = s.id === state.step;
          // Passed: gone past it, or been on it and left. Its work may still not be done, and that shows.
          const passed = !current && (i < here || state.visited.includes(s.id));
          const { mark, words } = sidebarMark(progress, passed, i + 1);
          return (
            <li key={s.id}>
              <button
                type="button"
                className={`step-link ${progress} ${passed ? 'passed' : ''}`}
                aria-current={current ? 'step' : undefined}
                // The step's name first (as shown), then how far its work is: "Install: done", "Install: not done".
                aria-label={words ? `${s.title}: ${words}` : undefined}
                onClick={() => state.goTo(s.id)}
              >
                <span className="step-number" aria-hidden="true">
                  {current && progress === 'not-done' ? i + 1 : mark}
                </span>
                <span className="step-title">{s.title}</span>
                {passed && progress === 'not-done' && (
                  <span className="step-note" aria-hidden="true">
                    not done
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function Footer({ step }: { step: StepId }) {
  const state = useWizard();
  const steps = stepsFor(state.mode);
  const index = positionOf(state.mode, step);
  const last = index === steps.length - 1;
  const proceed = canProceed(state, step);
  const action = stepAction(state, step);
  // The step's own action stands in for Continue until its work lets the technician on (always, on the last step).
  const mirrored = action && (!proceed.ok || last) ? action : null;
  return (
    <footer className="footer">
      <button type="button" className="secondary" onClick={state.back} disabled={index === 0}>
        Back
      </button>
      <span className="progress-text">
        Step {index + 1} of {steps.length}
      </span>
      <span className="footer-end">
        {!proceed.ok && !last && (
          <span id="continue-reason" className="continue-reason">
            {proceed.reason}
          </span>
        )}
        {mirrored ? (
          <StepActionButton action={mirrored} />
        ) : (
          !last && (
            <button
              type="button"
              className="primary"
              onClick={state.next}
              disabled={!proceed.ok}
              aria-describedby={proceed.ok ? undefined : 'continue-reason'}
            >
              Continue
            </button>
          )
        )}
      </span>
      {/* The live region sits in a landmark, outside the step's content, so it never doubles what the step shows. */}
      <Announcer />
    </footer>
  );
}

export function App() {
  const step = useWizard((s) => s.step);
  const mode = useWizard((s) => s.mode);
  const app = useWizard((s) => s.app);
  const setApp = useWizard((s) => s.setApp);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const current = stepInfo(mode, step);

  useEffect(() => {
    if (app.state !== 'idle') return;
    setApp({ state: 'loading' });
    void call('getAppInfo', {}).then((r) => setApp(loaded(r)));
  }, [app.state, setApp]);

  // Moving to another step puts keyboard and screen-reader focus on its heading; the
  // first screen keeps the browser's own starting focus.
  const firstStep = useRef(step);
  useEffect(() => {
    if (step === firstStep.current) return;
    firstStep.current = '' as typeof step;
    headingRef.current?.focus();
  }, [step]);

  const simulated = app.state === 'ready' && app.value.simulated;

  return (
    <div className="frame">
      <header className="topbar-area">
        {simulated && (
          <p className="banner" role="status">
            {app.state === 'ready' && app.value.shell === 'preview' ? 'Preview: simulated Mac' : 'Simulated Mac'} —
            nothing on this computer is changed.
          </p>
        )}
        <div className="topbar">
          <span className="brand" aria-hidden="true">
            ◆
          </span>
          <span className="product">Onboard</span>
          <span className="tagline">Connect this Mac to 1E</span>
        </div>
      </header>
      <div className="body">
        <Sidebar />
        <main className="content" aria-labelledby="step-heading">
          <h1 id="step-heading" ref={headingRef} tabIndex={-1}>
            {current.title}
          </h1>
          <p className="step-summary">{current.summary}</p>
          <StepView step={step} />
        </main>
      </div>
      <Footer step={step} />
    </div>
  );
}
