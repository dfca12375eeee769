import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module of core (tests aside) with the core modules it imports, type-only imports and re-exports included. */
function importGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const targets = [...source.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((m) => {
      const target = path.join(path.dirname(file), m[1]!);
      return files.includes(`${target}.ts`) ? `${target}.ts` : path.join(target, 'index.ts');
    });
    graph.set(file, targets);
  }
  return graph;
}

/** The cycles found by a depth-first walk, each as the chain of modules that closes it. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, chain: string[]) => {
    const at = chain.indexOf(node);
    if (at >= 0) return void found.push([...chain.slice(at), node]);
    if (done.has(node)) return;
    for (const next of graph.get(node) ?? []) visit(next, [...chain, node]);
    done.add(node);
  };
  for (const node of graph.keys()) visit(node, []);
  return found;
}

describe('packages/core modules', () => {
  it('import one another without cycles', () => {
    const graph = importGraph(import.meta.dirname);
    expect(graph.get('autoscaler.ts')).toBeDefined();
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });
});
