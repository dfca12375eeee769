import { Agent, request, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { REPLICA_TOKEN_HEADER } from '@slipway/core';
import type { RoutedReplica } from './routing-state';

/** Keep-alive connections to replicas: a fresh TCP handshake per prediction would dominate latency. */
export const replicaAgent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });

/** Fails only when no response arrived: the request is then safe to retry on another replica. */
export class ConnectionFailedError extends Error {}

const parsedAddresses = new Map<string, URL>();

/** Sends a request to one replica, with the replica's token (it answers nobody else). */
export function forward(
  replica: RoutedReplica,
  options: { method: string; path: string; headers: OutgoingHttpHeaders; body: Buffer },
): Promise<IncomingMessage> {
  const { address, token } = replica;
  let url = parsedAddresses.get(address);
  if (!url) {
    if (parsedAddresses.size > 10_000) parsedAddresses.clear();
    parsedAddresses.set(address, (url = new URL(address)));
  }
  return new Promise((resolve, reject) => {
    const upstream = request(
      {
        host: url!.hostname,
        port: url!.port,
        method: options.method,
        path: options.path,
        headers: { ...options.headers, 'content-length': options.body.length, ...(token !== undefined && { [REPLICA_TOKEN_HEADER]: token }) },
        agent: replicaAgent,
      },
      resolve,
    );
    upstream.on('error', (error) => reject(new ConnectionFailedError(error.message)));
    upstream.end(options.body);
  });
}
