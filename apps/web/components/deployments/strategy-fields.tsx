'use client';

import { formatDuration } from '@/lib/client/format';
import type { DeploymentUpdate, StrategyType } from '@/lib/client/types';

const MAX_STEPS = 20;
const MAX_BAKE_SECONDS = 24 * 3600;

export interface StepDraft {
  /** Tells React which row is which; never in the DOM (server and browser count differently). */
  key: number;
  weight: string;
  bakeSeconds: string;
}

/** The form's text, as typed; `toStrategy` turns it into the API's strategy. */
export interface StrategyDraft {
  type: StrategyType;
  steps: StepDraft[];
  minRequests: string;
  /** percentage points, as people say it: 1 = one point above the primary's error rate */
  maxErrorRatePoints: string;
  maxP99Ratio: string;
}

let nextKey = 0;
const step = (weight: number | string, bakeSeconds: number | string = 300): StepDraft => ({
  key: nextKey++,
  weight: String(weight),
  bakeSeconds: String(bakeSeconds),
});

/** The server's defaults: 10 → 25 → 50 → 100 % with 5 minutes each, judged on 50 requests. */
export const defaultStrategyDraft = (): StrategyDraft => ({
  type: 'blue-green',
  steps: [10, 25, 50, 100].map((w) => step(w)),
  minRequests: '50',
  maxErrorRatePoints: '1',
  maxP99Ratio: '1.5',
});

const isWhole = (text: string, min: number, max: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;
const isNumber = (text: string, min: number, max: number) => text.trim() !== '' && Number.isFinite(Number(text)) && Number(text) >= min && Number(text) <= max;

/** What is wrong with the steps and guardrails, in the order the user reads them; empty when nothing is. */
export function strategyProblems(draft: StrategyDraft): string[] {
  if (draft.type !== 'canary') return [];
  const problems: string[] = [];
  if (draft.steps.length === 0) problems.push('Add at least one step.');
  draft.steps.forEach((s, i) => {
    if (!isWhole(s.weight, 1, 100)) problems.push(`Step ${i + 1}: traffic must be a whole number from 1 to 100 %.`);
    if (!isNumber(s.bakeSeconds, 0, MAX_BAKE_SECONDS)) problems.push(`Step ${i + 1}: bake time must be 0 to ${MAX_BAKE_SECONDS} seconds.`);
    const before = draft.steps[i - 1];
    if (before && isWhole(s.weight, 1, 100) && isWhole(before.weight, 1, 100) && Number(s.weight) <= Number(before.weight)) {
      problems.push(`Step ${i + 1}: traffic must be above step ${i}'s ${before.weight} %; steps only move forward.`);
    }
  });
  if (!isWhole(draft.minRequests, 1, 1_000_000)) problems.push('Minimum requests: a whole number from 1.');
  if (!isNumber(draft.maxErrorRatePoints, 0, 100)) problems.push('Error-rate increase: 0 to 100 percentage points.');
  if (!isNumber(draft.maxP99Ratio, 1, 100)) problems.push('p99 ratio: from 1 to 100 times the primary’s.');
  return problems;
}

/** The API's strategy; throws the first problem. */
export function toStrategy(draft: StrategyDraft): NonNullable<DeploymentUpdate['strategy']> {
  if (draft.type === 'blue-green') return { type: 'blue-green' };
  const [problem] = strategyProblems(draft);
  if (problem) throw new Error(problem);
  return {
    type: 'canary',
    steps: draft.steps.map((s) => ({ weight: Number(s.weight), bakeSeconds: Number(s.bakeSeconds) })),
    guardrails: {
      minRequests: Number(draft.minRequests),
      maxErrorRateIncrease: Number(draft.maxErrorRatePoints) / 100,
      maxP99Ratio: Number(draft.maxP99Ratio),
    },
  };
}

/** "10% → 25% → 100%, at least 15 min": what the steps add up to, while the user edits them. */
function describeSteps(steps: StepDraft[]): string {
  const seconds = steps.reduce((sum, s) => sum + (Number(s.bakeSeconds) || 0), 0);
  return `${steps.map((s) => `${s.weight || '?'}%`).join(' → ')}, at least ${formatDuration(seconds)} of baking`;
}

function CanarySteps({ id, steps, onChange }: { id: string; steps: StepDraft[]; onChange: (steps: StepDraft[]) => void }) {
  const edit = (key: number, change: Partial<StepDraft>) => onChange(steps.map((s) => (s.key === key ? { ...s, ...change } : s)));
  const last = steps.at(-1);
  const nextWeight = last && Number(last.weight) < 100 ? 100 : '';
  return (
    <div className="stack" style={{ gap: 8 }}>
      <div className="table-wrap">
        <table className="table table-compact canary-steps">
          <caption>Canary steps</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Traffic (%)</th>
              <th scope="col">Bake (seconds)</th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s, i) => (
              <tr key={s.key}>
                <td className="mono">{i + 1}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`${id}-step-${i}-weight`}>
                    Step {i + 1} traffic (%)
                  </label>
                  <input
                    id={`${id}-step-${i}-weight`}
                    className="input"
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={100}
                    value={s.weight}
                    onChange={(e) => edit(s.key, { weight: e.target.value })}
                  />
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`${id}-step-${i}-bake`}>
                    Step {i + 1} bake time (seconds)
                  </label>
                  <input
                    id={`${id}-step-${i}-bake`}
                    className="input"
                    type="number"
                    inputMode="numeric"
                    min={0}
                    max={MAX_BAKE_SECONDS}
                    value={s.bakeSeconds}
                    onChange={(e) => edit(s.key, { bakeSeconds: e.target.value })}
                  />
                </td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    aria-label={`Remove step ${i + 1}`}
                    disabled={steps.length === 1}
                    onClick={() => onChange(steps.filter((other) => other.key !== s.key))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <span className="hint">{describeSteps(steps)}. After the last step passes, all traffic moves over.</span>
        <button type="button" className="btn btn-sm" disabled={steps.length >= MAX_STEPS} onClick={() => onChange([...steps, step(nextWeight)])}>
          Add step
        </button>
      </div>
    </div>
  );
}

function GuardrailFields({ id, draft, onChange }: { id: string; draft: StrategyDraft; onChange: (draft: StrategyDraft) => void }) {
  return (
    <fieldset className="fieldset">
      <legend className="label">Guardrails, checked at the end of each step</legend>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-min-requests`}>Minimum requests per step</label>
          <input
            id={`${id}-min-requests`}
            className="input"
            type="number"
            inputMode="numeric"
            min={1}
            value={draft.minRequests}
            aria-describedby={`${id}-min-requests-hint`}
            onChange={(e) => onChange({ ...draft, minRequests: e.target.value })}
          />
          <span id={`${id}-min-requests-hint`} className="hint">
            A step waits until the new revision has answered this many.
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-error-rate`}>Max error-rate increase (points)</label>
          <input
            id={`${id}-error-rate`}
            className="input"
            type="number"
            inputMode="decimal"
            min={0}
            step="0.1"
            value={draft.maxErrorRatePoints}
            aria-describedby={`${id}-error-rate-hint`}
            onChange={(e) => onChange({ ...draft, maxErrorRatePoints: e.target.value })}
          />
          <span id={`${id}-error-rate-hint`} className="hint">
            Percentage points above the current revision’s 5xx rate.
          </span>
        </div>
        <div className="field">
          <label htmlFor={`${id}-p99`}>Max p99 ratio</label>
          <input
            id={`${id}-p99`}
            className="input"
            type="number"
            inputMode="decimal"
            min={1}
            step="0.1"
            value={draft.maxP99Ratio}
            aria-describedby={`${id}-p99-hint`}
            onChange={(e) => onChange({ ...draft, maxP99Ratio: e.target.value })}
          />
          <span id={`${id}-p99-hint`} className="hint">
            Times the current revision’s p99 latency.
          </span>
        </div>
      </div>
      <span className="hint">A breach rolls back to the current revision automatically.</span>
    </fieldset>
  );
}

/** Blue-green, or canary with editable steps and guardrails. */
export function StrategyFields({ id, draft, onChange }: { id: string; draft: StrategyDraft; onChange: (draft: StrategyDraft) => void }) {
  const problems = strategyProblems(draft);
  return (
    <fieldset className="fieldset stack" style={{ gap: 12 }}>
      <legend className="label">Strategy</legend>
      <div className="row" style={{ gap: 16 }}>
        <label className="checkbox">
          <input type="radio" name={`${id}-strategy`} checked={draft.type === 'blue-green'} onChange={() => onChange({ ...draft, type: 'blue-green' })} />
          Blue-green
        </label>
        <label className="checkbox">
          <input type="radio" name={`${id}-strategy`} checked={draft.type === 'canary'} onChange={() => onChange({ ...draft, type: 'canary' })} />
          Canary
        </label>
      </div>
      <span className="hint">
        {draft.type === 'blue-green'
          ? 'Starts the new replicas, then switches all traffic in one routing update and drains the old ones.'
          : 'Moves traffic to the new revision step by step; each step bakes, then must pass the guardrails.'}
      </span>
      {draft.type === 'canary' && (
        <>
          <CanarySteps id={id} steps={draft.steps} onChange={(steps) => onChange({ ...draft, steps })} />
          <GuardrailFields id={id} draft={draft} onChange={onChange} />
        </>
      )}
      <div aria-live="polite">
        {problems.length > 0 && (
          <ul className="problems" aria-label="Problems with the strategy">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </div>
    </fieldset>
  );
}
