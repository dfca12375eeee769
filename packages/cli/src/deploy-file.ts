import { readFileSync } from 'node:fs';
import { declarationOf, deploymentFileSchema, type DeploymentFileInput } from '@slipway/core';
import type { Deployment } from '@slipway/client';
import { isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { CliError } from './exit';

/** The header `slipway export` writes: editors with the YAML language server complete the file from the schema the server publishes. */
export const schemaHint = (url: string) => `# yaml-language-server: $schema=${url.replace(/\/+$/, '')}/api/v1/schemas/deploy`;

/**
 * Reads and validates a deployment file with the API's own schema, so mistakes are reported with their
 * line before anything is sent. Returns the file as written (the server resolves and validates it again).
 */
export function readDeploymentFile(file: string, text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')): DeploymentFileInput {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) {
    throw new CliError(
      doc.errors.map((e) => `${file}:${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`).join('\n'),
    );
  }
  const raw: unknown = doc.toJS();
  const parsed = deploymentFileSchema.safeParse(raw);
  if (parsed.success) return raw as DeploymentFileInput;
  const lines = parsed.error.issues.map((issue) => {
    // The closest node the path reaches (an unknown or missing key points at its parent).
    let node: unknown;
    for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--) node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
    const line = isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : 1;
    return `${file}:${line}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
  });
  throw new CliError(`${file} is not a valid deployment file:\n${lines.join('\n')}`);
}

/** What runs, as a deployment file: versions pinned by digest, so applying it later means the same bytes. */
export function exportDeployments(deployments: readonly Deployment[], url: string): string {
  const declared = deployments
    .filter((d) => d.spec && d.status !== 'stopped' && d.status !== 'stopping' && d.status !== 'failed')
    .map((d) => declarationOf(d.name, d.model.name, d.spec!));
  return `${schemaHint(url)}\n${stringify({ deployments: declared }, { lineWidth: 0 })}`;
}
