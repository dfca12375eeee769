import { connect, type Socket } from 'node:net';
import { encodeFrame, type Frame, FrameDecoder, FrameKind, requestHead } from '@slipway/core';

/** A replica's answer read whole from the framed transport. */
export interface FramedAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Fails only when no answer arrived (connection refused, reset or closed first): safe to retry elsewhere. */
export class ConnectionFailedError extends Error {}

/** Answers larger than this close the connection (as a protocol error) rather than being buffered. */
const MAX_ANSWER_BYTES = 512 * 1024 * 1024;

interface Waiting {
  resolve(answer: FramedAnswer): void;
  reject(error: Error): void;
}

/**
 * One persistent connection to one replica's framed listener. Requests are tagged with ids and answered
 * in any order; the requests of one event-loop turn leave in one write, so a replica's batcher sees
 * callers who arrived together as one batch.
 */
class FramedConnection {
  private readonly socket: Socket;
  private readonly waiting = new Map<number, Waiting>();
  private readonly decoder = new FrameDecoder(MAX_ANSWER_BYTES);
  private nextId = 0;
  private flushScheduled = false;
  closed = false;

  constructor(
    address: string,
    readonly token: string | undefined,
    onClose: () => void,
  ) {
    const { hostname, port } = new URL(address);
    this.socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port), noDelay: true });
    this.socket.write(encodeFrame(FrameKind.hello, 0, 0, token ?? ''));
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, this.onFrame);
      } catch (error) {
        this.socket.destroy(error as Error);
      }
    });
    this.socket.on('error', () => undefined);
    this.socket.once('close', () => {
      this.closed = true;
      onClose();
      const failure = new ConnectionFailedError(`the connection to ${address} closed before an answer`);
      for (const waiting of this.waiting.values()) waiting.reject(failure);
      this.waiting.clear();
    });
  }

  send(method: string, path: string, body: Buffer): Promise<FramedAnswer> {
    const id = (this.nextId = (this.nextId + 1) >>> 0);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.socket.cork();
      setImmediate(this.flush);
    }
    this.socket.write(encodeFrame(FrameKind.request, id, 0, requestHead(method, path), body));
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  close(): void {
    this.socket.destroy();
  }

  private readonly flush = () => {
    this.flushScheduled = false;
    this.socket.uncork();
  };

  private readonly onFrame = (frame: Frame) => {
    if (frame.kind !== FrameKind.response) throw new Error(`unexpected frame kind ${frame.kind} from a replica`);
    const waiting = this.waiting.get(frame.id);
    if (!waiting) return;
    this.waiting.delete(frame.id);
    waiting.resolve({ status: frame.status, contentType: frame.head, body: frame.body });
  };
}

/** The gateway's connections to replicas' framed listeners, one per replica, opened on first use and after a failure. */
export class FramedTransport {
  private readonly connections = new Map<string, FramedConnection>();

  send(address: string, token: string | undefined, method: string, path: string, body: Buffer): Promise<FramedAnswer> {
    let connection = this.connections.get(address);
    if (!connection || connection.closed || connection.token !== token) {
      connection?.close();
      const opened = new FramedConnection(address, token, () => {
        if (this.connections.get(address) === opened) this.connections.delete(address);
      });
      this.connections.set(address, (connection = opened));
    }
    return connection.send(method, path, body);
  }

  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
