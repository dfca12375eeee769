'use client';

import { ALERT_COOLDOWN_SECONDS, ALERT_WINDOW_SECONDS, needsThreshold } from '@slipway/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { formatDuration, formatMs } from '@/lib/client/format';
import { queryKeys, useAlertHistory, useAlertRules, useDeployment } from '@/lib/client/queries';
import type { AlertEvent, AlertKind, AlertRule, AlertRuleInput } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { EmptyState, FieldError, FormError, QueryContent } from '../states';
import { ConfirmAction } from './confirm-action';
import { TimeAgo } from '../time-ago';

const KINDS: Record<AlertKind, { label: string; help: string }> = {
  error_rate: { label: 'Error rate', help: 'The share of requests answered with a 5xx over the window.' },
  p99_latency: { label: 'p99 latency', help: 'The 99th percentile of request latency over the window.' },
  no_traffic: { label: 'No traffic', help: 'Fires when no request arrived over the whole window.' },
  drift: { label: 'Drift', help: 'Fires when a feature drifts from the reference (2 of the last 3 windows breach).' },
  accuracy: {
    label: 'Accuracy',
    help: 'Accuracy of the answers given over the window that received feedback; judged once 30 of them are labelled.',
  },
};

/** "error rate > 5%", "p99 > 250 ms", "any feature drifting", in the units the form uses. */
function condition(rule: Pick<AlertRule, 'kind' | 'threshold' | 'feature'>): string {
  switch (rule.kind) {
    case 'error_rate':
      return `error rate > ${formatShare(rule.threshold ?? 0)}`;
    case 'p99_latency':
      return `p99 > ${formatLatencyMs(rule.threshold ?? 0)}`;
    case 'no_traffic':
      return 'no requests';
    case 'drift':
      return rule.feature ? `${rule.feature} drifting` : 'any feature drifting';
    case 'accuracy':
      return `accuracy < ${formatShare(rule.threshold ?? 0)}`;
  }
}

/** Kinds whose threshold is a share, entered in percent. */
const isShare = (kind: string) => kind === 'error_rate' || kind === 'accuracy';
const formatShare = (share: number) => `${Number((share * 100).toPrecision(4))}%`;
/** Thresholds below a millisecond are legitimate (and used in tests); formatMs would round them to 0.00. */
const formatLatencyMs = (ms: number) => (ms >= 10 ? formatMs(ms) : `${Number(ms.toPrecision(3))} ms`);

/** An event's measured value in its kind's unit. */
function formatValue(kind: string, value: number | null): string {
  if (value === null) return '—';
  if (kind === 'error_rate' || kind === 'accuracy') return formatShare(value);
  if (kind === 'p99_latency') return formatLatencyMs(value);
  if (kind === 'drift') return `${value} ${value === 1 ? 'feature' : 'features'}`;
  return `${value} ${value === 1 ? 'request' : 'requests'}`;
}

interface Draft {
  kind: AlertKind;
  /** Percent for error rate, milliseconds for p99. */
  threshold: string;
  feature: string;
  windowSeconds: string;
  cooldownSeconds: string;
  webhookUrl: string;
}

const emptyDraft: Draft = { kind: 'error_rate', threshold: '5', feature: '', windowSeconds: '300', cooldownSeconds: '900', webhookUrl: '' };

function draftOf(rule: AlertRule): Draft {
  return {
    kind: rule.kind,
    threshold: rule.threshold === null ? '' : String(isShare(rule.kind) ? Number((rule.threshold * 100).toPrecision(6)) : rule.threshold),
    feature: rule.feature ?? '',
    windowSeconds: String(rule.windowSeconds),
    cooldownSeconds: String(rule.cooldownSeconds),
    webhookUrl: rule.webhookUrl ?? '',
  };
}

function wholeSeconds(text: string, what: string, bounds: { min: number; max: number }): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < bounds.min || n > bounds.max) {
    throw new Error(`${what} must be a whole number of seconds from ${bounds.min} to ${bounds.max}.`);
  }
  return n;
}

/** The draft as the API takes it; the server checks the same rules and answers 400 with its own message. */
function toRule(draft: Draft): Omit<AlertRuleInput, 'enabled'> {
  let threshold: number | null = null;
  if (needsThreshold(draft.kind)) {
    const n = Number(draft.threshold);
    if (draft.threshold.trim() === '' || !Number.isFinite(n) || n <= 0)
      throw new Error(`Enter a ${draft.kind === 'error_rate' ? 'percentage' : 'latency'} above 0.`);
    if (draft.kind === 'error_rate' && n > 100) throw new Error('An error rate is at most 100%.');
    threshold = isShare(draft.kind) ? n / 100 : n;
  }
  return {
    kind: draft.kind,
    threshold,
    feature: draft.kind === 'drift' && draft.feature.trim() ? draft.feature.trim() : null,
    windowSeconds: wholeSeconds(draft.windowSeconds, 'The window', ALERT_WINDOW_SECONDS),
    cooldownSeconds: wholeSeconds(draft.cooldownSeconds, 'The cooldown', ALERT_COOLDOWN_SECONDS),
    webhookUrl: draft.webhookUrl.trim() || null,
  };
}

function SecondsField({
  id,
  label,
  bounds,
  value,
  onChange,
  hint,
  error,
  field,
}: {
  id: string;
  field: string;
  error: Error | null;
  label: string;
  bounds: { min: number; max: number };
  value: string;
  onChange: (value: string) => void;
  hint: string;
}) {
  return (
    <div className="field" style={{ flex: '1 1 120px' }}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        className="input"
        type="number"
        inputMode="numeric"
        min={bounds.min}
        max={bounds.max}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={`${id}-hint ${id}-error`}
      />
      <FieldError error={error} field={field} id={`${id}-error`} />
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
    </div>
  );
}

/** Add or edit a rule: the kind picker shows only the fields that kind takes, each with its unit. */
function RuleForm({ deploymentName, editing, onDone }: { deploymentName: string; editing: AlertRule | null; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(editing ? draftOf(editing) : emptyDraft);
  const set = (changes: Partial<Draft>) => setDraft((d) => ({ ...d, ...changes }));
  const save = useMutation({
    mutationFn: async () => {
      const rule = toRule(draft);
      return editing ? api.updateAlertRule(deploymentName, editing.id, rule) : api.createAlertRule(deploymentName, { ...rule, enabled: true });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.alertRules(deploymentName) });
      if (!editing) setDraft(emptyDraft);
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const id = editing ? `alert-${editing.id}` : 'alert-new';

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={editing ? 'Edit alert rule' : 'Add an alert rule'}>
      <div className="form-row">
        <div className="field" style={{ flex: '2 1 200px' }}>
          <label htmlFor={`${id}-kind`}>Alert when</label>
          <select
            id={`${id}-kind`}
            className="select"
            value={draft.kind}
            onChange={(e) =>
              set({ kind: e.target.value as AlertKind, threshold: e.target.value === 'p99_latency' ? '250' : e.target.value === 'accuracy' ? '90' : '5' })
            }
            aria-describedby={`${id}-kind-hint`}
          >
            {Object.entries(KINDS).map(([kind, look]) => (
              <option key={kind} value={kind}>
                {look.label}
              </option>
            ))}
          </select>
        </div>
        {needsThreshold(draft.kind) && (
          <div className="field" style={{ flex: '1 1 140px' }}>
            <label htmlFor={`${id}-threshold`}>{draft.kind === 'accuracy' ? 'Below (%)' : draft.kind === 'error_rate' ? 'Above (%)' : 'Above (ms)'}</label>
            <input
              id={`${id}-threshold`}
              className="input"
              type="number"
              inputMode="decimal"
              min={0}
              max={isShare(draft.kind) ? 100 : undefined}
              step="any"
              value={draft.threshold}
              onChange={(e) => set({ threshold: e.target.value })}
              aria-describedby={`${id}-threshold-error`}
            />
            <FieldError error={save.error} field="threshold" id={`${id}-threshold-error`} />
          </div>
        )}
        {draft.kind === 'drift' && (
          <div className="field" style={{ flex: '1 1 180px' }}>
            <label htmlFor={`${id}-feature`}>Feature</label>
            <input
              id={`${id}-feature`}
              className="input"
              value={draft.feature}
              placeholder="any feature"
              onChange={(e) => set({ feature: e.target.value })}
              aria-describedby={`${id}-feature-hint ${id}-feature-error`}
            />
            <FieldError error={save.error} field="feature" id={`${id}-feature-error`} />
            <span id={`${id}-feature-hint`} className="hint">
              A name from the Drift page; empty watches every feature.
            </span>
          </div>
        )}
      </div>
      <p id={`${id}-kind-hint`} className="hint">
        {KINDS[draft.kind].help}
      </p>
      <div className="form-row">
        <SecondsField
          id={`${id}-window`}
          label="Window (s)"
          bounds={ALERT_WINDOW_SECONDS}
          value={draft.windowSeconds}
          onChange={(windowSeconds) => set({ windowSeconds })}
          field="windowSeconds"
          error={save.error}
          hint="The span each check looks back over."
        />
        <SecondsField
          id={`${id}-cooldown`}
          label="Cooldown (s)"
          bounds={ALERT_COOLDOWN_SECONDS}
          value={draft.cooldownSeconds}
          onChange={(cooldownSeconds) => set({ cooldownSeconds })}
          field="cooldownSeconds"
          error={save.error}
          hint="After firing, quiet this long before firing again."
        />
        <div className="field" style={{ flex: '3 1 260px' }}>
          <label htmlFor={`${id}-webhook`}>Webhook URL (optional)</label>
          <input
            id={`${id}-webhook`}
            className="input"
            type="url"
            inputMode="url"
            placeholder="https://hooks.slack.com/services/…"
            value={draft.webhookUrl}
            onChange={(e) => set({ webhookUrl: e.target.value })}
            aria-describedby={`${id}-webhook-hint ${id}-webhook-error`}
          />
          <FieldError error={save.error} field="webhookUrl" id={`${id}-webhook-error`} />
          <span id={`${id}-webhook-hint`} className="hint">
            Slack-compatible: gets a JSON post on every firing and resolving. Empty keeps the history only.
          </span>
        </div>
      </div>
      <FormError error={save.error} fields={['threshold', 'feature', 'windowSeconds', 'cooldownSeconds', 'webhookUrl']} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : editing ? 'Save rule' : 'Add rule'}
        </button>
        {editing && (
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function RuleState({ rule }: { rule: AlertRule }) {
  const [tone, text] = rule.state === 'firing' ? ['red', 'Firing'] : rule.enabled ? ['green', 'OK'] : ['gray', 'Disabled'];
  return (
    <span className="badge" data-tone={tone} data-live={rule.state === 'firing' ? 'true' : undefined}>
      {text}
    </span>
  );
}

function EnabledToggle({ deploymentName, rule }: { deploymentName: string; rule: AlertRule }) {
  const queryClient = useQueryClient();
  // The choice, shown from the click on (the mutation's own pending state arrives a render later, which would
  // flip the box back for a moment) until the refetched rule agrees or the change fails.
  const [choice, setChoice] = useState<boolean | null>(null);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.updateAlertRule(deploymentName, rule.id, { enabled }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.alertRules(deploymentName) }),
    onSettled: () => setChoice(null),
  });
  return (
    <>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={choice ?? rule.enabled}
          disabled={choice !== null}
          onChange={(e) => {
            setChoice(e.target.checked);
            toggle.mutate(e.target.checked);
          }}
        />
        Enabled
      </label>
      <FormError error={toggle.error} />
    </>
  );
}

/** Posts a test notification to the rule's webhook and says, next to the button, whether it arrived or why not. */
function SendTestButton({ deploymentName, rule }: { deploymentName: string; rule: AlertRule }) {
  const test = useMutation({ mutationFn: () => api.testAlertRule(deploymentName, rule.id) });
  return (
    <>
      <button type="button" className="btn btn-sm" disabled={test.isPending} onClick={() => test.mutate()} aria-label={`Send a test for ${condition(rule)}`}>
        {test.isPending ? 'Sending…' : 'Send a test'}
      </button>
      {test.data && (
        <span role="status" className="badge" data-tone={test.data.delivered ? 'green' : 'red'} style={{ whiteSpace: 'normal' }}>
          {test.data.delivered ? 'Test delivered' : `Test failed: ${test.data.message}`}
        </span>
      )}
      <FormError error={test.error} />
    </>
  );
}

/** `canChange`: the caller may add, edit, switch and delete rules (members and admins); viewers see them only. */
function RulesTable({ deploymentName, rules, canChange }: { deploymentName: string; rules: AlertRule[]; canChange: boolean }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Alert rules of {deploymentName}</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">State</th>
            <th scope="col">Last fired</th>
            <th scope="col">Webhook</th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule) =>
            editing === rule.id ? (
              <tr key={rule.id} aria-label={`Editing ${condition(rule)}`}>
                <td colSpan={5}>
                  <RuleForm deploymentName={deploymentName} editing={rule} onDone={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <tr key={rule.id} aria-label={`Alert rule: ${condition(rule)}`}>
                <td>
                  <div className="cell-title">{condition(rule)}</div>
                  <div className="cell-sub">
                    {KINDS[rule.kind].label} · over {formatDuration(rule.windowSeconds)} · cooldown {formatDuration(rule.cooldownSeconds)}
                  </div>
                </td>
                <td>
                  <RuleState rule={rule} />
                </td>
                <td>{rule.lastFiredAt ? <TimeAgo iso={rule.lastFiredAt} /> : <span className="muted">never</span>}</td>
                <td className="mono">{rule.webhookUrl ? new URL(rule.webhookUrl).host : <span className="muted">history only</span>}</td>
                <td className="actions">
                  {canChange && (
                    <div className="row" style={{ justifyContent: 'flex-end' }}>
                      <EnabledToggle deploymentName={deploymentName} rule={rule} />
                      {rule.webhookUrl && <SendTestButton deploymentName={deploymentName} rule={rule} />}
                      <button type="button" className="btn btn-sm" onClick={() => setEditing(rule.id)} aria-label={`Edit ${condition(rule)}`}>
                        Edit
                      </button>
                      <ConfirmAction
                        size="sm"
                        label="Delete"
                        ariaLabel={`Delete ${condition(rule)}`}
                        groupLabel="Confirm deleting the rule"
                        question="Delete this rule? Its history stays."
                        confirmLabel="Delete rule"
                        pendingLabel="Deleting…"
                        action={() => api.deleteAlertRule(deploymentName, rule.id)}
                        onDone={() => queryClient.invalidateQueries({ queryKey: queryKeys.alertRules(deploymentName) })}
                      />
                    </div>
                  )}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Delivery({ event }: { event: AlertEvent }) {
  const attempts = `${event.deliveryAttempts} ${event.deliveryAttempts === 1 ? 'attempt' : 'attempts'}`;
  switch (event.delivery) {
    case 'none':
      return <span className="muted">no webhook</span>;
    case 'pending':
      return (
        <span className="badge" data-tone="blue" data-live="true">
          Sending
        </span>
      );
    case 'retrying':
      return (
        <span className="badge" data-tone="amber" data-live="true" title={event.deliveryError ?? undefined}>
          Retrying ({attempts})
        </span>
      );
    case 'delivered':
      return (
        <span className="badge" data-tone="green" title={event.deliveryError ? `earlier: ${event.deliveryError}` : undefined}>
          Delivered ({attempts})
        </span>
      );
    case 'failed':
      return (
        <>
          <span className="badge" data-tone="red">
            Failed ({attempts})
          </span>
          {event.deliveryError && <div className="cell-sub">{event.deliveryError}</div>}
        </>
      );
  }
}

function HistoryCard({ deploymentName }: { deploymentName: string }) {
  const history = useAlertHistory(deploymentName);
  return (
    <section className="card" aria-labelledby="alert-history-title">
      <div className="card-header">
        <div>
          <h2 id="alert-history-title">History</h2>
          <p>Every firing and resolving, newest first, with how its webhook delivery went.</p>
        </div>
      </div>
      <QueryContent
        query={history}
        loadingLabel="Loading alert history…"
        isEmpty={(data) => data.pages.every((p) => p.events.length === 0)}
        empty={
          <EmptyState compact title="Nothing has fired yet">
            Events appear here when a rule fires or resolves; the worker checks every rule every few seconds.
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Alert history of {deploymentName}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Value</th>
                    <th scope="col">Threshold</th>
                    <th scope="col">Webhook</th>
                  </tr>
                </thead>
                <tbody>
                  {data.pages
                    .flatMap((p) => p.events)
                    .map((event) => (
                      <tr key={event.id} aria-label={`${event.kind} ${event.state}`}>
                        <td>
                          <TimeAgo iso={event.at} />
                        </td>
                        <td>
                          <span className="badge" data-tone={event.state === 'fired' ? 'red' : 'green'}>
                            {event.state === 'fired' ? 'Fired' : 'Resolved'}
                          </span>{' '}
                          <span className="cell-title">{KINDS[event.kind as AlertKind]?.label ?? event.kind}</span>
                          <div className="cell-sub">{event.message}</div>
                        </td>
                        <td className="mono">{formatValue(event.kind, event.value)}</td>
                        <td className="mono">{formatValue(event.kind, event.threshold)}</td>
                        <td>
                          <Delivery event={event} />
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
            {history.hasNextPage && (
              <div className="card-body" style={{ paddingTop: 12, paddingBottom: 12 }}>
                <button type="button" className="btn btn-sm btn-ghost" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
                  {history.isFetchingNextPage ? 'Loading…' : 'Older events'}
                </button>
              </div>
            )}
          </>
        )}
      </QueryContent>
    </section>
  );
}

export function AlertsView({ name }: { name: string }) {
  const rules = useAlertRules(name);
  const canChange = useDeployment(name).data?.canChange ?? false;
  const firing = rules.data?.filter((r) => r.state === 'firing').length ?? 0;
  return (
    <>
      <PageHeader
        title="Alerts"
        breadcrumb={
          <>
            <Link href="/deployments">Deployments</Link> / <Link href={`/deployments/${encodeURIComponent(name)}`}>{name}</Link>
          </>
        }
        subtitle={rules.data && `${rules.data.length} ${rules.data.length === 1 ? 'rule' : 'rules'}${firing > 0 ? `, ${firing} firing` : ''}`}
      />
      <section className="card" aria-labelledby="alert-rules-title">
        <div className="card-header">
          <div>
            <h2 id="alert-rules-title">Rules</h2>
            <p>Each rule is checked against its window; firing and resolving are recorded below and posted to its webhook.</p>
          </div>
        </div>
        <QueryContent
          query={rules}
          loadingLabel="Loading alert rules…"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState compact title="No alert rules yet">
              {canChange
                ? 'Add one below, e.g. an error rate above 5% with a Slack webhook, to hear of trouble before your callers do.'
                : 'A member or admin of the team can add one, e.g. an error rate above 5% with a Slack webhook.'}
            </EmptyState>
          }
        >
          {(list) => <RulesTable deploymentName={name} rules={list} canChange={canChange} />}
        </QueryContent>
        {canChange && (
          <div className="card-body">
            <RuleForm deploymentName={name} editing={null} onDone={() => undefined} />
          </div>
        )}
      </section>
      <HistoryCard deploymentName={name} />
    </>
  );
}
