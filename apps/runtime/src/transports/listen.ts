import type { Server } from 'node:net';

/** Listens on `host:port` (0 picks a free port) and resolves with the port bound. */
export function listen(listener: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      const address = listener.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
