import type { IncomingMessage } from 'node:http';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '@slipway/core';
import { RequestError } from '../protocols/errors';

/** Reads an HTTP request's JSON body up to `limit` bytes; larger bodies get a 413 before they are buffered. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', reject);
    req.once('end', () => {
      if (size > limit) return;
      try {
        resolve(parseJsonBytes(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), limit));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** A whole body as JSON: a 413 beyond `limit`, a 400 when too deeply nested or not JSON. */
export function parseJsonBytes(bytes: Buffer, limit: number): unknown {
  if (bytes.length > limit) throw tooLarge(limit);
  if (jsonNestsDeeperThan(bytes)) throw new RequestError('bad_request', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new RequestError('bad_request', `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(limit: number): RequestError {
  return new RequestError('payload_too_large', `the body exceeds the ${Math.round(limit / 1024)} KiB limit`);
}
