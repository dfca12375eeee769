/** Code that calls a deployment, with the API key read from `$SLIPWAY_KEY` rather than pasted in. */
export type SnippetLanguage = 'curl' | 'python' | 'typescript';

export const SNIPPET_LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: 'curl', label: 'curl' },
  { id: 'python', label: 'Python' },
  { id: 'typescript', label: 'TypeScript' },
];

/** A JSON value as a Python literal (True/False/None; strings JSON-escaped, which Python reads the same). */
function pythonLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`)
      .join(', ')}}`;
  return JSON.stringify(value);
}

export function snippet(language: SnippetLanguage, url: string, body: unknown): string {
  switch (language) {
    case 'curl':
      return [
        `curl -sS -X POST ${url} \\`,
        `  -H "Authorization: Bearer $SLIPWAY_KEY" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '${JSON.stringify(body).replace(/'/g, `'\\''`)}'`,
      ].join('\n');
    case 'python':
      return [
        'import os',
        '',
        'import requests',
        '',
        'response = requests.post(',
        `    ${JSON.stringify(url)},`,
        `    headers={"Authorization": f"Bearer {os.environ['SLIPWAY_KEY']}"},`,
        `    json=${pythonLiteral(body)},`,
        '    timeout=30,',
        ')',
        'response.raise_for_status()',
        'print(response.json()["outputs"])',
      ].join('\n');
    case 'typescript':
      return [
        `const response = await fetch(${JSON.stringify(url)}, {`,
        "  method: 'POST',",
        "  headers: { authorization: `Bearer ${process.env.SLIPWAY_KEY}`, 'content-type': 'application/json' },",
        `  body: JSON.stringify(${JSON.stringify(body)}),`,
        '});',
        'if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);',
        'const { outputs } = await response.json();',
        'console.log(outputs);',
      ].join('\n');
  }
}
