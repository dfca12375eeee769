/** `http://10.1.2.3:41234`, `https://worker:8000`, a bare `10.1.2.3:41234` or `[::1]:41234`. */
const ADDRESS = /\bhttps?:\/\/[^\s/'",;)]+|\[[0-9a-f:]+\](?::\d+)?|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/gi;

/** A message for someone who may not know where replicas listen (team viewers): addresses hidden. */
export function withoutAddresses(message: string): string;
export function withoutAddresses(message: string | null): string | null;
export function withoutAddresses(message: string | null): string | null {
  return message === null ? null : message.replace(ADDRESS, '(address hidden)');
}
