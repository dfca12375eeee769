import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { SlipwayClient } from '@slipway/client';
import { z } from 'zod';
import { CliError } from './exit';

/** Where `slipway login` keeps the URL and key: $XDG_CONFIG_HOME/slipway (default ~/.config/slipway). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'slipway');
}

const savedSchema = z.object({ url: z.url(), key: z.string().min(1) });
export type Credentials = z.infer<typeof savedSchema>;

export function saveCredentials(credentials: Credentials, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'config.json');
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** SLIPWAY_URL and SLIPWAY_KEY win over what `slipway login` saved (CI sets them). */
export function loadCredentials(env: NodeJS.ProcessEnv = process.env): Credentials {
  let saved: Partial<Credentials> = {};
  try {
    saved = savedSchema.partial().parse(JSON.parse(readFileSync(path.join(configDir(env), 'config.json'), 'utf8')));
  } catch {
    // Not logged in (or an unreadable file): the environment may still say.
  }
  const url = env.SLIPWAY_URL || saved.url;
  const key = env.SLIPWAY_KEY || saved.key;
  if (!url || !key) throw new CliError('not logged in: run `slipway login <url>` with an API key, or set SLIPWAY_URL and SLIPWAY_KEY');
  return { url, key };
}

export const clientFromConfig = (env: NodeJS.ProcessEnv = process.env) => new SlipwayClient(loadCredentials(env));
