import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { capture, isRoot, run } from './run';
import { done, step } from './log';
import { ensureSystemPackages, onPath } from './system-packages';

const PRIVATE_PG_PORT = 54329;
const PRIVATE_REDIS_PORT = 63799;

async function canQuery(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

function postgresBinDir(): string | null {
  if (capture('which', ['initdb'])) return path.dirname(capture('which', ['initdb'])!.trim());
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  const [newest] = versions;
  return newest ? path.join(base, newest, 'bin') : null;
}

/**
 * A PostgreSQL server URL (without a database): DATABASE_URL's server when set, else one on
 * localhost:5432, else a private cluster under .data/postgres (installing PostgreSQL if needed).
 */
export async function ensurePostgres(dataDir: string): Promise<string> {
  if (process.env.DATABASE_URL) return serverUrlOf(process.env.DATABASE_URL);
  for (const candidate of ['postgresql://postgres@127.0.0.1:5432', `postgresql://postgres@127.0.0.1:${PRIVATE_PG_PORT}`]) {
    if (await canQuery(`${candidate}/postgres`)) {
      done(`PostgreSQL found at ${candidate.replace('postgresql://postgres@', '')}`);
      return candidate;
    }
  }
  ensureSystemPackages([
    { purpose: 'a private PostgreSQL', packages: ['postgresql'], present: () => postgresBinDir() !== null, alternative: 'or set DATABASE_URL' },
  ]);
  const bin = postgresBinDir()!;
  const cluster = path.join(dataDir, 'postgres');
  const asPostgres = (command: string, args: string[]) => (isRoot() ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
  if (!existsSync(path.join(cluster, 'PG_VERSION'))) {
    step(`creating a private PostgreSQL cluster in ${cluster}`);
    mkdirSync(cluster, { recursive: true });
    // initdb refuses to run as root: the cluster belongs to the postgres system user.
    if (isRoot()) run('chown', ['-R', 'postgres:postgres', cluster]);
    asPostgres(path.join(bin, 'initdb'), ['-D', cluster, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  }
  step(`starting the private PostgreSQL on 127.0.0.1:${PRIVATE_PG_PORT}`);
  asPostgres(path.join(bin, 'pg_ctl'), [
    '-D',
    cluster,
    '-l',
    path.join(cluster, 'server.log'),
    '-w',
    'start',
    '-o',
    `-p ${PRIVATE_PG_PORT} -c listen_addresses=127.0.0.1 -k ${cluster}`,
  ]);
  const url = `postgresql://postgres@127.0.0.1:${PRIVATE_PG_PORT}`;
  done(`PostgreSQL started (${url}); stop it with: pg_ctl -D ${cluster} stop`);
  return url;
}

function serverUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '';
  return url.toString().replace(/\/$/, '');
}

/** Creates the database if missing (or anew when `fresh`) and returns its URL. */
export async function ensureDatabase(serverUrl: string, name: string, options: { fresh?: boolean } = {}): Promise<string> {
  const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  try {
    if (options.fresh) await admin.query(`drop database if exists "${name}" with (force)`);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  return `${serverUrl}/${name}`;
}

/** A Redis URL: REDIS_URL when set, else localhost:6379, else a private redis-server. */
export async function ensureRedis(dataDir: string): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  for (const candidate of ['redis://127.0.0.1:6379', `redis://127.0.0.1:${PRIVATE_REDIS_PORT}`]) {
    if (await redisAnswers(candidate)) {
      done(`Redis found at ${candidate.replace('redis://', '')}`);
      return candidate;
    }
  }
  ensureSystemPackages([{ purpose: 'a private Redis', packages: ['redis-server'], present: () => onPath('redis-server'), alternative: 'or set REDIS_URL' }]);
  const dir = path.join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, '.keep'), '');
  step(`starting a private Redis on 127.0.0.1:${PRIVATE_REDIS_PORT}`);
  run('redis-server', [
    '--port',
    String(PRIVATE_REDIS_PORT),
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--logfile',
    path.join(dir, 'redis.log'),
  ]);
  const url = `redis://127.0.0.1:${PRIVATE_REDIS_PORT}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  done(`Redis started (${url}); stop it with: redis-cli -p ${PRIVATE_REDIS_PORT} shutdown`);
  return url;
}
