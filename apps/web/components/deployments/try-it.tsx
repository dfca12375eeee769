'use client';

import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '@/lib/client/api';
import { formatJson } from '@/lib/client/example-request';
import { formatMs } from '@/lib/client/format';
import type { TryResult } from '@/lib/client/types';
import { FormError } from '../states';

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function TryResponse({ result }: { result: TryResult }) {
  const ok = result.status >= 200 && result.status < 300;
  return (
    <section className="try-response" aria-label="Response">
      <div className="row">
        <span className="badge" data-tone={ok ? 'green' : 'red'}>
          {result.status}
        </span>
        <span className="muted">{formatMs(result.latencyMs)}</span>
      </div>
      <pre className="code-block">{typeof result.body === 'string' ? result.body : formatJson(result.body)}</pre>
    </section>
  );
}

/** Sends a request through the gateway, as a client would, and shows what came back. */
export function TryIt({
  deploymentName,
  exampleBody,
  ready,
  exampleHint = 'Prefilled from the model signature with zeros, batch size 1.',
}: {
  deploymentName: string;
  exampleBody: unknown;
  ready: boolean;
  /** Where the prefilled body comes from. */
  exampleHint?: string;
}) {
  const [text, setText] = useState(() => formatJson(exampleBody));
  const send = useMutation({ mutationFn: () => api.tryDeployment(deploymentName, parseBody(text)) });

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

  return (
    <section className="card" aria-labelledby="try-title">
      <div className="card-header">
        <div>
          <h2 id="try-title">Try it</h2>
          <p>{ready ? 'Send a prediction request through the gateway.' : 'Available once the deployment is ready.'}</p>
        </div>
      </div>
      <form className="card-body stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="try-body">Request body</label>
          <textarea
            id="try-body"
            className="textarea"
            rows={8}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={sendOnModEnter}
            aria-describedby="try-body-hint"
          />
          <span id="try-body-hint" className="hint">
            {exampleHint} Ctrl+Enter sends.
          </span>
        </div>
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={send.isPending || !ready}>
            {send.isPending ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setText(formatJson(exampleBody))}>
            Reset example
          </button>
        </div>
        <FormError error={send.error} />
        {send.data && <TryResponse result={send.data} />}
      </form>
    </section>
  );
}
