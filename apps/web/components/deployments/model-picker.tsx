'use client';

import { useState } from 'react';
import type { ModelSummary } from '@/lib/client/types';

/** Models whose name, description or team holds every word of `query` (case-insensitive); the chosen one always stays. */
export function filterModels(models: ModelSummary[], query: string, chosen: string): ModelSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return models;
  return models.filter((m) => {
    const text = `${m.name} ${m.description ?? ''} ${m.team.name}`.toLowerCase();
    return m.name === chosen || words.every((w) => text.includes(w));
  });
}

/**
 * A searchable model list: typing narrows the list (Enter picks the only match), and nothing is chosen for the
 * user unless they came from a model's page, so another user's newest model is never deployed by default.
 */
export function ModelPicker({ models, value, onChange }: { models: ModelSummary[]; value: string; onChange: (name: string) => void }) {
  const [query, setQuery] = useState('');
  const shown = filterModels(models, query, value);
  const matches = filterModels(models, query, '');
  return (
    <div className="form-row">
      <div className="field" style={{ flex: '1 1 180px' }}>
        <label htmlFor="deploy-model-search">Find a model</label>
        <input
          id="deploy-model-search"
          className="input"
          type="search"
          value={query}
          placeholder="Name, team or description"
          autoComplete="off"
          aria-describedby="deploy-model-search-hint"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            // Enter picks the only match; it never submits the deploy form from the search box.
            e.preventDefault();
            if (matches.length === 1) onChange(matches[0]!.name);
          }}
        />
        <span id="deploy-model-search-hint" className="hint" aria-live="polite">
          {query ? `${matches.length} of ${models.length} models match; Enter picks the only match.` : `${models.length} models.`}
        </span>
      </div>
      <div className="field" style={{ flex: '2 1 220px' }}>
        <label htmlFor="deploy-model">Model</label>
        <select id="deploy-model" className="select" value={value} onChange={(e) => onChange(e.target.value)}>
          {value === '' && <option value="">Choose a model…</option>}
          {shown.map((m) => (
            <option key={m.id} value={m.name}>
              {m.name} — {m.team.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
