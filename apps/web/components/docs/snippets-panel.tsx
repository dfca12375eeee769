'use client';

import { useRef, useState, type KeyboardEvent } from 'react';
import { SNIPPET_LANGUAGES, snippet, type SnippetLanguage } from '@/lib/client/snippets';
import { CopyButton } from '../copy-button';

/** The example request as curl, Python and TypeScript, in tabs (arrow keys move between them). */
export function SnippetsPanel({ url, body }: { url: string; body: unknown }) {
  const [language, setLanguage] = useState<SnippetLanguage>('curl');
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const code = snippet(language, url, body);
  const label = SNIPPET_LANGUAGES.find((l) => l.id === language)!.label;

  const moveWithArrows = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (index + step + SNIPPET_LANGUAGES.length) % SNIPPET_LANGUAGES.length;
    setLanguage(SNIPPET_LANGUAGES[next]!.id);
    tabs.current[next]?.focus();
  };

  return (
    <section className="card" aria-labelledby="snippets-title">
      <div className="card-header">
        <div>
          <h2 id="snippets-title">Call it</h2>
          <p>
            The example request with your API key from the <code>SLIPWAY_KEY</code> environment variable.
          </p>
        </div>
      </div>
      <div className="card-body stack">
        <div className="label-row">
          <div role="tablist" aria-label="Language" className="row">
            {SNIPPET_LANGUAGES.map((l, index) => (
              <button
                key={l.id}
                ref={(el) => {
                  tabs.current[index] = el;
                }}
                type="button"
                role="tab"
                id={`snippet-tab-${l.id}`}
                aria-selected={language === l.id}
                aria-controls="snippet-code"
                tabIndex={language === l.id ? 0 : -1}
                className={language === l.id ? 'btn btn-sm' : 'btn btn-sm btn-ghost'}
                onClick={() => setLanguage(l.id)}
                onKeyDown={(event) => moveWithArrows(event, index)}
              >
                {l.label}
              </button>
            ))}
          </div>
          <CopyButton text={code} label={`Copy ${label} snippet`} className="btn btn-sm btn-ghost" />
        </div>
        <pre id="snippet-code" role="tabpanel" className="code-block" aria-label={`${label} snippet`}>
          {code}
        </pre>
      </div>
    </section>
  );
}
