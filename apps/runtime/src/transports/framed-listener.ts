import { createServer, type Server, type Socket } from 'node:net';
import { encodeFrame, type Frame, FrameDecoder, FrameKind, parseRequestHead } from '@slipway/core';
import type { Answer, RequestHandler } from '../exchange';
import { parseJsonBytes } from './body-reader';
import type { TokenMatcher } from './replica-token';

export interface FramedListener {
  server: Server;
  /** Refuses new connections; open ones keep being served (requests already sent finish). */
  stopAccepting(): void;
  closeAll(): void;
}

/** Room for the head (method and path) beyond the largest body a request may carry. */
const HEAD_ALLOWANCE_BYTES = 64 * 1024;

type ListenerOptions = { handle: RequestHandler; tokenMatches: TokenMatcher; maxBodyBytes: number };

/**
 * The replica's listener for the gateway's framed transport. A connection proves the replica token once,
 * in its hello frame; until then every request but the health probes is answered 401, as over HTTP.
 * Answers finished in the same tick (a batch) leave in one write. A connection that sends anything that
 * is not a frame is closed: the gateway retries what it had in flight there.
 */
export function createFramedListener(options: ListenerOptions): FramedListener {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, options);
  });
  return {
    server,
    stopAccepting: () => server.close(),
    // end(), not destroy(): answers written this tick are still corked and must leave first.
    closeAll: () => {
      for (const socket of sockets) socket.end();
    },
  };
}

/** One gateway connection: frames decoded into requests for `handle`, answers written back as frames. */
function serveConnection(socket: Socket, options: ListenerOptions): void {
  // Bodies beyond the limit still arrive whole (and get a 413): a frame up to 4× the limit is read, not a reason to close.
  const decoder = new FrameDecoder(options.maxBodyBytes * 4 + HEAD_ALLOWANCE_BYTES);
  const answer = corkedWriter(socket);
  let authorized = false;
  const onFrame = (frame: Frame) => {
    if (frame.kind === FrameKind.hello) {
      authorized = options.tokenMatches(Buffer.from(frame.head));
      return;
    }
    const target = frame.kind === FrameKind.request ? parseRequestHead(frame.head) : undefined;
    if (!target) throw new Error(`unexpected frame on a replica connection: kind ${frame.kind}, head '${frame.head.slice(0, 40)}'`);
    const { body, id } = frame;
    const request = { method: target.method, path: target.path, authorized, readBody: async () => parseJsonBytes(body, options.maxBodyBytes) };
    void options.handle(request, (a) => answer(id, a));
  };
  socket.on('data', (chunk: Buffer) => {
    try {
      decoder.push(chunk, onFrame);
    } catch {
      socket.destroy();
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Writes response frames, corking the socket until the next tick so that a batch's answers leave in one write. */
function corkedWriter(socket: Socket): (id: number, answer: Answer) => void {
  let corked = false;
  const uncork = () => {
    corked = false;
    socket.uncork();
  };
  return (id, { status, contentType, payload }) => {
    if (!socket.writable) return;
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    socket.write(encodeFrame(FrameKind.response, id, status, contentType, payload));
  };
}
