import { Agent, type IncomingMessage, request } from 'node:http';
import { REPLICA_TOKEN_HEADER } from '@slipway/core';
import { ConnectionFailedError, type FramedAnswer, type FramedTransport } from './framed-client';
import type { RoutedReplica } from './routing-state';

export { ConnectionFailedError };

/** Keep-alive connections to replicas without a framed listener: a fresh TCP handshake per prediction would dominate latency. */
export const replicaAgent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });

/** A whole answer (framed transport) or a streaming one (HTTP). */
export type UpstreamAnswer = FramedAnswer | IncomingMessage;

const parsedAddresses = new Map<string, URL>();

/**
 * Sends a request to one replica with the replica's token (it answers nobody else): over its framed
 * transport when it has one and the gateway
 * uses them (`framed`: its connections), else over HTTP. Rejects with ConnectionFailedError only when no answer came.
 */
export function forward(
  framed: FramedTransport | undefined,
  replica: RoutedReplica,
  method: string,
  path: string,
  contentType: string,
  body: Buffer,
): Promise<UpstreamAnswer> {
  if (framed && replica.framedAddress !== undefined) return framed.send(replica.framedAddress, replica.token, method, path, body);
  const { address, token } = replica;
  let url = parsedAddresses.get(address);
  if (!url) {
    if (parsedAddresses.size > 10_000) parsedAddresses.clear();
    parsedAddresses.set(address, (url = new URL(address)));
  }
  const { hostname, port } = url;
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: { 'content-type': contentType, 'content-length': body.length, ...(token !== undefined && { [REPLICA_TOKEN_HEADER]: token }) },
        agent: replicaAgent,
      },
      resolve,
    );
    upstream.on('error', (error) => reject(new ConnectionFailedError(error.message)));
    upstream.end(body);
  });
}
