'use client';

import type { KnobName, ScalingDraft } from './scaling-draft';

interface Knob {
  name: KnobName;
  label: string;
  /** Ray Serve's meaning, in short. */
  help: string;
  min: number;
  step?: string;
  optional?: boolean;
}

/** Ray Serve's knobs with its meanings: bounds first, then how fast it reacts. */
const BOUNDS: Knob[] = [
  {
    name: 'minReplicas',
    label: 'Min replicas',
    help: 'The fewest replicas it runs. 0 lets it scale to zero when idle; the next request then waits for a cold start.',
    min: 0,
  },
  { name: 'maxReplicas', label: 'Max replicas', help: 'The most replicas it runs; the team’s quota is charged for this many.', min: 1 },
  {
    name: 'initialReplicas',
    label: 'Initial replicas',
    help: 'Replicas to start from when this applies. Empty: keep the current count, within the new bounds.',
    min: 0,
    optional: true,
  },
  {
    name: 'targetOngoingRequests',
    label: 'Target ongoing requests',
    help: 'The average number of ongoing requests per replica it tries to keep. Lower it for long requests or a tight latency goal.',
    min: 0,
    step: 'any',
  },
];

const TIMING: Knob[] = [
  { name: 'upscaleDelaySeconds', label: 'Upscale delay (s)', help: 'How long the load must ask for more replicas before it scales up.', min: 0, step: 'any' },
  {
    name: 'downscaleDelaySeconds',
    label: 'Downscale delay (s)',
    help: 'How long the load must ask for fewer replicas before it scales down.',
    min: 0,
    step: 'any',
  },
  {
    name: 'scaleToZeroDelaySeconds',
    label: 'Scale-to-zero delay (s)',
    help: 'How long it waits, idle, before scaling from one replica to zero (only with min replicas 0).',
    min: 0,
    step: 'any',
  },
  {
    name: 'lookBackSeconds',
    label: 'Look-back period (s)',
    help: 'The window over which the average number of ongoing requests is calculated.',
    min: 1,
    step: 'any',
  },
];

function KnobField({ id, knob, draft, onChange }: { id: string; knob: Knob; draft: ScalingDraft; onChange: (draft: ScalingDraft) => void }) {
  const fieldId = `${id}-${knob.name}`;
  return (
    <div className="field knob">
      <label htmlFor={fieldId}>
        {knob.label}
        {knob.optional && <span className="muted"> (optional)</span>}
      </label>
      <input
        id={fieldId}
        className="input"
        type="number"
        inputMode={knob.step === 'any' ? 'decimal' : 'numeric'}
        min={knob.min}
        step={knob.step}
        value={draft[knob.name]}
        aria-describedby={`${fieldId}-hint`}
        onChange={(e) => onChange({ ...draft, [knob.name]: e.target.value })}
      />
      <span id={`${fieldId}-hint`} className="hint">
        {knob.help}
      </span>
    </div>
  );
}

/** The autoscaler's knobs, prefilled with the variant's values or the server's defaults. */
export function AutoscalingFields({ id, draft, onChange }: { id: string; draft: ScalingDraft; onChange: (draft: ScalingDraft) => void }) {
  return (
    <>
      <fieldset className="fieldset">
        <legend className="label">Bounds and target</legend>
        <div className="form-row knobs">
          {BOUNDS.map((knob) => (
            <KnobField key={knob.name} id={id} knob={knob} draft={draft} onChange={onChange} />
          ))}
        </div>
      </fieldset>
      <fieldset className="fieldset">
        <legend className="label">How fast it reacts</legend>
        <div className="form-row knobs">
          {TIMING.map((knob) => (
            <KnobField key={knob.name} id={id} knob={knob} draft={draft} onChange={onChange} />
          ))}
        </div>
      </fieldset>
    </>
  );
}
