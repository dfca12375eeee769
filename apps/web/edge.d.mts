export function trustsProxy(value?: string): boolean;
export function forwardedForAtEdge(incoming: string | string[] | undefined, socketAddress: string | undefined, trustProxy: boolean): string;
