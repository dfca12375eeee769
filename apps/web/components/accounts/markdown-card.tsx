'use client';

import { useState } from 'react';
import Markdown from 'react-markdown';
import { FormError } from '../states';

/**
 * Markdown shown safely: react-markdown builds React elements from the text, so HTML in it is shown as text (no
 * raw HTML plugin), and link URLs other than http(s), mailto and relative ones are dropped by its default transform.
 */
export function MarkdownCard({
  text,
  onSave,
  error,
  saving,
}: {
  text: string;
  onSave: (text: string) => Promise<unknown>;
  error: Error | null;
  saving: boolean;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft !== null) {
    return (
      <form
        className="stack"
        style={{ gap: 6 }}
        onSubmit={async (e) => {
          e.preventDefault();
          await onSave(draft).then(
            () => setDraft(null),
            () => undefined,
          );
        }}
      >
        <div className="field">
          <label htmlFor="model-description-md">Description (markdown)</label>
          <textarea id="model-description-md" className="input mono" rows={10} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
        </div>
        <div className="row" style={{ gap: 6 }}>
          <button type="submit" className="btn btn-sm btn-primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save description'}
          </button>
          <button type="button" className="btn btn-sm" onClick={() => setDraft(null)}>
            Cancel
          </button>
        </div>
        <FormError error={error} />
      </form>
    );
  }
  return (
    <div className="stack" style={{ gap: 6 }}>
      {text.trim() ? (
        <div className="markdown" data-testid="model-card">
          <Markdown>{text}</Markdown>
        </div>
      ) : (
        <p className="muted">No description yet: say what the model predicts, what it was trained on and where it should not be used.</p>
      )}
      <div>
        <button type="button" className="btn btn-sm" onClick={() => setDraft(text)}>
          Edit description
        </button>
      </div>
    </div>
  );
}
