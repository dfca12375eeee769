import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes a built model to a temp file the runtime can load. */
export function modelFile(name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'slipway-runtime-test-'));
  const file = path.join(dir, `${name}.onnx`);
  writeFileSync(file, bytes);
  return file;
}

export async function post(address: string, route: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${address}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
