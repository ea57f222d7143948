// Welcome: the Switch and the Background Channel, judged by main's validators as the technician types.
import type { FieldCheck } from '../../../src/shared/contract';
import type { EndpointField } from '../../state/types';
import { useWizard } from '../../state/store';
import { errorOf } from '../../state/requests';
import { ErrorBox } from '../../ui/ErrorBox';
import { Breakable } from '../../ui/Breakable';
import { wizardError } from '../../ui/advice';
import { currentEndpointCheck } from './slice';

interface FieldProps {
  field: EndpointField;
  label: string;
  placeholder: string;
  help: string;
  /** What to type, said when the field is left empty. */
  required: string;
}

function EndpointInput({ field, label, placeholder, help, required }: FieldProps) {
  const value = useWizard((s) => s.welcome[field]);
  const touched = useWizard((s) => s.welcome.touched[field]);
  const welcome = useWizard((s) => s.welcome);
  const edit = useWizard((s) => s.editEndpoint);
  const touch = useWizard((s) => s.touchEndpoint);
  const check = currentEndpointCheck(welcome);
  const verdict: FieldCheck | null = check ? check[field] : null;
  const showError = touched && verdict !== null && !verdict.ok;
  // Left empty: said when the field is left, not while the technician has not got to it yet.
  const showRequired = touched && value.trim() === '';
  // A refusal is the core validator's error: the wizard says it in its own words, as everywhere else.
  const said = verdict && !verdict.ok ? wizardError(verdict) : null;
  const id = `endpoint-${field}`;

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        spellCheck={false}
        autoComplete="off"
        autoCapitalize="off"
        placeholder={placeholder}
        value={value}
        aria-invalid={showError || showRequired}
        aria-required="true"
        aria-describedby={`${id}-help ${id}-verdict`}
        onChange={(e) => void edit(field, e.currentTarget.value)}
        onBlur={() => touch(field)}
      />
      <div id={`${id}-help`} className="muted field-help">
        {help}
      </div>
      <div id={`${id}-verdict`} aria-live="polite">
        {showRequired && <div className="field-error">Required: {required}</div>}
        {showError && said && (
          <div className="field-error">
            {said.message}
            {said.hint && <span className="hint"> {said.hint}</span>}
          </div>
        )}
        {verdict?.ok && (
          <div className="field-ok">
            ✓ <span className="visually-hidden">Valid: </span>
            <Breakable text={verdict.value} />
          </div>
        )}
      </div>
    </div>
  );
}

export function EndpointsForm() {
  const prefilledFrom = useWizard((s) => s.welcome.prefilledFrom);
  const checkError = useWizard((s) => errorOf(s.welcome.check));
  return (
    <section className="card" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">Where are the 1E servers?</h2>
      {prefilledFrom && (
        <p className="note" role="status">
          Filled in from the installed configuration,{' '}
          <code>
            <Breakable text={prefilledFrom} />
          </code>
          . Change them only if the servers moved.
        </p>
      )}
      <EndpointInput
        field="switchAddress"
        label="Switch address"
        placeholder="e.g. tachyon.acme.local:4000"
        help="Host name and port of the 1E Switch, as host:port (1E's default port is 4000)."
        required="type the Switch's host name and port, as host:port."
      />
      <EndpointInput
        field="backgroundUrl"
        label="Background Channel URL"
        placeholder="e.g. https://tachyon.acme.local/Background/"
        help="The https address the client downloads content from."
        required="type the https address of the Background Channel."
      />
      {checkError && <ErrorBox error={checkError} />}
    </section>
  );
}
