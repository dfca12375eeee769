import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoutedDeployment } from '@slipway/queue';

/** A real HTTP server on a free port whose requests `handle` answers (the gateway's side of a module under test). */
export async function listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type VariantSketch = {
  name: string;
  weight: number;
  role?: 'primary' | 'candidate' | 'shadow';
  mirrorPercent?: number;
  replicas?: string[];
  desiredReplicas?: number;
};

/** A routing entry: each variant's id is its name, each replica named by its address. */
export function deploymentOf(variants: VariantSketch[], name = 'iris'): RoutedDeployment {
  return {
    id: `${name}-id`,
    name,
    teamId: 'team',
    variants: variants.map((v) => ({
      id: v.name,
      name: v.name,
      weight: v.weight,
      ...(v.role && { role: v.role }),
      mirrorPercent: v.mirrorPercent ?? 0,
      replicas: (v.replicas ?? []).map((address, i) => ({ id: `${v.name}-${i}`, address })),
      desiredReplicas: v.desiredReplicas ?? (v.replicas ?? []).length,
    })),
  };
}
