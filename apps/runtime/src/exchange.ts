/*
 * The contract between transports and the protocol layer: a transport decodes a request off its wire into a
 * `ReplicaRequest`, calls the `RequestHandler`, and writes the `Answer` it is given back on the same wire.
 */

/** Reads the request's body as JSON (each transport has its own way to get the bytes). */
export type BodyReader = () => Promise<unknown>;

/** A request as a transport decoded it. */
export interface ReplicaRequest {
  method: string;
  /** Without the query string. */
  path: string;
  /** Whether the request proved the replica token (an HTTP header, or the framed connection's hello). */
  authorized: boolean;
  readBody: BodyReader;
}

/** A replica's answer to one request, whichever transport it came in on. */
export interface Answer {
  status: number;
  contentType: string;
  payload: string;
}

/** Writes an answer back on the transport the request came in on. */
export type Reply = (answer: Answer) => void;

/** Answers one request through `reply`, exactly once; never rejects. */
export type RequestHandler = (request: ReplicaRequest, reply: Reply) => Promise<void>;
