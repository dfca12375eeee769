'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { formatTime } from '@/lib/client/format';
import {
  type CaptureFilters,
  type CaptureSummary,
  qualityApi,
  qualityKeys,
  type QualitySettings,
  useCapture,
  useCaptures,
  useQualitySettings,
} from '@/lib/client/quality';
import { EmptyState, FormError, QueryContent } from '../states';

interface Draft {
  capturePercent: string;
  captureMaxBytes: string;
  redactFields: string;
  captureRetentionDays: string;
  ledgerRetentionDays: string;
}

const toDraft = (s: QualitySettings): Draft => ({
  capturePercent: String(s.capturePercent),
  captureMaxBytes: String(s.captureMaxBytes),
  redactFields: s.redactFields.join(', '),
  captureRetentionDays: String(s.captureRetentionDays),
  ledgerRetentionDays: String(s.ledgerRetentionDays),
});

const fromDraft = (d: Draft): QualitySettings => ({
  capturePercent: Number(d.capturePercent),
  captureMaxBytes: Number(d.captureMaxBytes),
  redactFields: d.redactFields
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0),
  captureRetentionDays: Number(d.captureRetentionDays),
  ledgerRetentionDays: Number(d.ledgerRetentionDays),
});

function NumberField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  min: number;
  max: number;
  step?: number;
  onChange: (v: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        className="input"
        type="number"
        inputMode="decimal"
        required
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && <p className="hint">{props.hint}</p>}
    </div>
  );
}

/** Capture percentage, size cap, redacted fields and retentions; gateways pick a change up within seconds. */
export function CaptureSettingsCard({ name }: { name: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const settings = useQualitySettings(name);
  const [draft, setDraft] = useState<Draft | null>(null);
  useEffect(() => {
    if (settings.data && draft === null) setDraft(toDraft(settings.data.settings));
  }, [settings.data, draft]);
  const save = useMutation({
    mutationFn: (d: Draft) => qualityApi.saveSettings(name, fromDraft(d)),
    onSuccess: (saved) => {
      queryClient.setQueryData(qualityKeys.settings(name), saved);
      setDraft(toDraft(saved.settings));
    },
  });
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft) save.mutate(draft);
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Capture settings</h2>
      <p className="hint">
        Captured requests and answers go to the blob store as hourly gzip JSON Lines. The predictions ledger (request id, variant, predicted label) is kept for
        every answer, even at 0 %, so feedback can be joined.
      </p>
      <QueryContent query={settings} loadingLabel="Loading settings…">
        {() =>
          draft && (
            <form onSubmit={submit} className="form-grid">
              <NumberField
                id={`${id}-pct`}
                label="Capture (% of requests)"
                value={draft.capturePercent}
                min={0}
                max={100}
                step={0.1}
                onChange={(v) => set({ capturePercent: v })}
              />
              <NumberField
                id={`${id}-max`}
                label="Size cap per body (bytes)"
                hint="Larger requests or answers are captured without their body."
                value={draft.captureMaxBytes}
                min={256}
                max={4194304}
                onChange={(v) => set({ captureMaxBytes: v })}
              />
              <div className="field">
                <label htmlFor={`${id}-redact`}>Redacted fields</label>
                <input
                  id={`${id}-redact`}
                  className="input"
                  placeholder="email, ssn"
                  value={draft.redactFields}
                  onChange={(e) => set({ redactFields: e.target.value })}
                />
                <p className="hint">Comma-separated field names, removed at any depth before anything is written.</p>
              </div>
              <NumberField
                id={`${id}-cret`}
                label="Keep captures (days)"
                value={draft.captureRetentionDays}
                min={1}
                max={3650}
                onChange={(v) => set({ captureRetentionDays: v })}
              />
              <NumberField
                id={`${id}-lret`}
                label="Keep the predictions ledger (days)"
                hint="Feedback for older answers is counted as expired."
                value={draft.ledgerRetentionDays}
                min={1}
                max={3650}
                onChange={(v) => set({ ledgerRetentionDays: v })}
              />
              <div className="row">
                <button className="btn btn-primary" type="submit" disabled={save.isPending}>
                  {save.isPending ? 'Saving…' : 'Save capture settings'}
                </button>
                {save.isSuccess && <span className="muted">Saved; gateways apply it within seconds.</span>}
              </div>
              <FormError error={save.error} />
            </form>
          )
        }
      </QueryContent>
    </section>
  );
}

function CaptureDetail({ name, capture }: { name: string; capture: CaptureSummary }) {
  const detail = useCapture(name, capture.requestId, capture.time);
  return (
    <QueryContent query={detail} loadingLabel="Loading capture…">
      {({ capture: c }) => (
        <div className="stack">
          {c.truncated && <p className="hint">A body was over the size cap (or not JSON) and was left out.</p>}
          <h4>Request</h4>
          <pre className="code">{JSON.stringify(c.request, null, 2)}</pre>
          <h4>Answer</h4>
          <pre className="code">{JSON.stringify(c.answer, null, 2)}</pre>
        </div>
      )}
    </QueryContent>
  );
}

const localInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : undefined);

/** Recent captures with filters, one opened in place, and a download of the window as .jsonl.gz. */
export function CapturesCard({ name }: { name: string }) {
  const id = useId();
  const [filters, setFilters] = useState<CaptureFilters>({});
  const [open, setOpen] = useState<string | null>(null);
  const captures = useCaptures(name, filters);
  const window = captures.data?.window;
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Captures</h2>
      <div className="row" style={{ flexWrap: 'wrap' }}>
        <div className="field">
          <label htmlFor={`${id}-variant`}>Variant</label>
          <input
            id={`${id}-variant`}
            className="input"
            placeholder="any"
            value={filters.variant ?? ''}
            onChange={(e) => setFilters((f) => ({ ...f, variant: e.target.value || undefined }))}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Status</label>
          <select
            id={`${id}-status`}
            className="select"
            value={filters.status ?? ''}
            onChange={(e) => setFilters((f) => ({ ...f, status: (e.target.value || undefined) as CaptureFilters['status'] }))}
          >
            <option value="">any</option>
            <option value="success">success (&lt; 400)</option>
            <option value="error">error (≥ 400)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            className="input"
            type="datetime-local"
            value={filters.from ? localInput(filters.from) : ''}
            onChange={(e) => setFilters((f) => ({ ...f, from: fromLocalInput(e.target.value) }))}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            className="input"
            type="datetime-local"
            value={filters.to ? localInput(filters.to) : ''}
            onChange={(e) => setFilters((f) => ({ ...f, to: fromLocalInput(e.target.value) }))}
          />
        </div>
        {window && (
          <a className="btn" href={qualityApi.downloadUrl(name, window.from, window.to)} download>
            Download this range (.jsonl.gz)
          </a>
        )}
      </div>
      <QueryContent
        query={captures}
        loadingLabel="Loading captures…"
        isEmpty={(c) => c.captures.length === 0}
        empty={
          <EmptyState title="No captures in this range" compact>
            Set a capture percentage above 0 in the capture settings; captured requests appear here within seconds of being answered.
          </EmptyState>
        }
      >
        {(c) => (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Captured requests, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Request id</th>
                  <th scope="col">Variant</th>
                  <th scope="col" className="num">
                    Status
                  </th>
                  <th scope="col" className="num">
                    Latency
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {c.captures.flatMap((capture) => [
                  <tr key={capture.requestId}>
                    <td>{formatTime(capture.time)}</td>
                    <td className="mono">{capture.requestId}</td>
                    <td>{capture.variant}</td>
                    <td className="num">{capture.status}</td>
                    <td className="num">{capture.latencyMs.toFixed(1)} ms</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        aria-expanded={open === capture.requestId}
                        onClick={() => setOpen((o) => (o === capture.requestId ? null : capture.requestId))}
                      >
                        {open === capture.requestId ? 'Hide' : 'Show'}
                      </button>
                    </td>
                  </tr>,
                  open === capture.requestId && (
                    <tr key={`${capture.requestId}-detail`}>
                      <td colSpan={6}>
                        <CaptureDetail name={name} capture={capture} />
                      </td>
                    </tr>
                  ),
                ])}
              </tbody>
            </table>
          </div>
        )}
      </QueryContent>
    </section>
  );
}
