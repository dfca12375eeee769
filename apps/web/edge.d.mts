export function trustsProxy(value?: string): boolean;
export function forwardedForAtEdge(incoming: string | string[] | undefined, socketAddress: string | undefined, trustProxy: boolean): string;
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export type EdgeRefusalCode = 'bad_request' | 'request_timeout' | 'headers_too_large';
export const EDGE_REFUSALS: Record<EdgeRefusalCode, { status: number; message: string }>;
export function hasMalformedEscape(url?: string): boolean;
export function edgeRefusal(code: EdgeRefusalCode, message?: string): { status: number; headers: Record<string, string>; body: string };
export function clientErrorCode(error: { code?: string } | undefined): EdgeRefusalCode;
export function createEdgeServer(handle: (req: IncomingMessage, res: ServerResponse) => unknown, options: { trustProxy: boolean }): Server;
