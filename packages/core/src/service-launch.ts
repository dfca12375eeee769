/**
 * The launch contract of a service replica (`runtime: service`), for every driver: the user's own process, started
 * with its argv, `$PORT`, its declared environment and its team's secrets; ready when its health path answers 200;
 * SIGTERM, then SIGKILL after its drain time.
 */
export interface ServiceLaunch {
  command: readonly string[];
  /** GET path that answers 200 once the service can take requests. */
  healthPath: string;
  startupTimeoutMs: number;
  drainMs: number;
  /** The manifest's declared environment variables. */
  env: Readonly<Record<string, string>>;
  /** The team's secrets the manifest names, decrypted: environment variables, never logged (see redactSecrets). */
  secrets: Readonly<Record<string, string>>;
}

/** The variables a service process gets from its launch (on top of the host allowlist): declared env, secrets, PORT last. */
export function serviceProcessEnv(launch: Pick<ServiceLaunch, 'env' | 'secrets'>, port: number): Record<string, string> {
  return { ...launch.env, ...launch.secrets, PORT: String(port) };
}

/** Secret values shorter than this are not redacted from text (a one-character "secret" would blot out every log line). */
const MIN_REDACTED_LENGTH = 4;

/** `text` with every secret's value replaced by `[secret NAME]`: for log lines and events that quote a service's output. */
export function redactSecrets(text: string, secrets: Readonly<Record<string, string>>): string {
  let redacted = text;
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length >= MIN_REDACTED_LENGTH) redacted = redacted.split(value).join(`[secret ${name}]`);
  }
  return redacted;
}
