'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '@/lib/client/api';
import { useDeploymentDocs } from '@/lib/client/docs';
import { formatJson } from '@/lib/client/example-request';
import { formatMs } from '@/lib/client/format';
import { useDeployment, useModel } from '@/lib/client/queries';
import { featureInput, featureRequest, featureValues, readableOutputs } from '@/lib/client/try-it';
import type { TryResult } from '@/lib/client/types';
import { FormError } from '../states';

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** What the form is filled from: the example recorded at inspection, the manifest's features and labels. */
function useTryContext(deploymentName: string, fallbackExample: unknown) {
  const deployment = useDeployment(deploymentName).data;
  const docs = useDeploymentDocs(deploymentName).data;
  const model = useModel(deployment?.model.name ?? '', Boolean(deployment)).data;
  const primary = deployment?.variants.find((v) => v.role === 'primary') ?? deployment?.variants[0];
  const current = docs?.versions.find((v) => v.label === primary?.version.label) ?? docs?.versions.find((v) => v.current);
  const manifest = model?.versions.find((v) => v.label === primary?.version.label)?.manifest as { labels?: string[]; features?: string[] } | null | undefined;
  const recorded = current?.example.source === 'recorded';
  return {
    example: recorded ? { inputs: current!.example.inputs } : fallbackExample,
    recorded,
    features: manifest?.features ?? current?.features ?? null,
    labels: manifest?.labels ?? null,
    signature: primary?.version.signature ?? null,
    versionOf: (variant: string | null) => deployment?.variants.find((v) => v.name === variant)?.version.label,
  };
}

function TryResponse({ result, labels, version }: { result: TryResult; labels: string[] | null; version: number | undefined }) {
  const ok = result.status >= 200 && result.status < 300;
  const readable = ok ? readableOutputs(result.body, labels) : [];
  return (
    <section className="try-response" aria-label="Response">
      <div className="row">
        <span className="badge" data-tone={ok ? 'green' : 'red'}>
          {result.status}
        </span>
        <span className="muted">{formatMs(result.latencyMs)}</span>
        {result.variant && (
          <span className="muted">
            Answered by <strong>{result.variant}</strong>
            {version !== undefined && ` (v${version})`}
          </span>
        )}
      </div>
      {readable.length > 0 && (
        <ul className="plain-list" aria-label="Prediction">
          {readable.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      <pre className="code-block">{typeof result.body === 'string' ? result.body : formatJson(result.body)}</pre>
    </section>
  );
}

/** One number field per named feature, filled from the example. */
function FeatureFields({ features, values, onChange }: { features: string[]; values: string[]; onChange: (values: string[]) => void }) {
  return (
    <div className="feature-grid">
      {features.map((feature, i) => (
        <div className="field" key={feature}>
          <label htmlFor={`try-feature-${i}`}>{feature}</label>
          <input
            id={`try-feature-${i}`}
            className="input"
            type="number"
            step="any"
            inputMode="decimal"
            value={values[i] ?? ''}
            onChange={(e) => onChange(values.map((v, j) => (j === i ? e.target.value : v)))}
          />
        </div>
      ))}
    </div>
  );
}

/** Sends a request through the gateway, as a client would, and shows what came back, in the manifest's words. */
export function TryIt({
  deploymentName,
  exampleBody,
  ready,
  exampleHint,
}: {
  deploymentName: string;
  exampleBody: unknown;
  ready: boolean;
  /** Where a given `exampleBody` comes from (the docs page's version); without it, the recorded example is looked up. */
  exampleHint?: string;
}) {
  const looked = useTryContext(deploymentName, exampleBody);
  const context = exampleHint ? { ...looked, example: exampleBody } : looked;
  const input = featureInput(context.signature, context.features);
  const [edited, setEdited] = useState<string | null>(null);
  const [editedValues, setValues] = useState<string[] | null>(null);
  const [mode, setMode] = useState<'fields' | 'json'>('fields');
  const text = edited ?? formatJson(context.example);
  const values = editedValues ?? (input ? featureValues(context.example, input, context.features!.length) : []);
  const byFields = Boolean(input) && mode === 'fields';
  const send = useMutation({ mutationFn: () => api.tryDeployment(deploymentName, byFields ? featureRequest(input!, values) : parseBody(text)) });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.mutate();
  };
  // Enter adds a line in a textarea; Ctrl/⌘+Enter sends, as in most consoles.
  const sendOnModEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      send.mutate();
    }
  };
  const reset = () => {
    setEdited(null);
    setValues(null);
  };
  const source =
    exampleHint ??
    (context.recorded
      ? 'Prefilled with the example recorded when this version was inspected.'
      : 'Prefilled from the model signature with zeros, batch size 1.');

  return (
    <section className="card" aria-labelledby="try-title">
      <div className="card-header">
        <div>
          <h2 id="try-title">Try it</h2>
          <p>{ready ? 'Send a prediction request through the gateway.' : 'Available once the deployment is ready.'}</p>
        </div>
      </div>
      <form className="card-body stack" onSubmit={submit}>
        {input && (
          <div className="row" role="group" aria-label="Request as">
            <label className="checkbox">
              <input type="radio" name="try-mode" checked={mode === 'fields'} onChange={() => setMode('fields')} />
              One field per feature
            </label>
            <label className="checkbox">
              <input type="radio" name="try-mode" checked={mode === 'json'} onChange={() => setMode('json')} />
              JSON body
            </label>
          </div>
        )}
        {byFields ? (
          <FeatureFields features={context.features!} values={values} onChange={setValues} />
        ) : (
          <div className="field">
            <label htmlFor="try-body">Request body</label>
            <textarea
              id="try-body"
              className="textarea"
              rows={8}
              spellCheck={false}
              value={text}
              onChange={(e) => setEdited(e.target.value)}
              onKeyDown={sendOnModEnter}
              aria-describedby="try-body-hint"
            />
          </div>
        )}
        <span id="try-body-hint" className="hint">
          {source}
          {byFields ? ' Enter sends.' : ' Ctrl+Enter sends.'}
        </span>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={send.isPending || !ready}>
            {send.isPending ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={reset}>
            Reset example
          </button>
        </div>
        <FormError error={send.error} />
        {send.data && <TryResponse result={send.data} labels={context.labels} version={context.versionOf(send.data.variant)} />}
      </form>
    </section>
  );
}
