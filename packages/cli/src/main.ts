import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { SlipwayClient, SlipwayError, type Deployment } from '@slipway/client';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { clientFromConfig, configDir, saveCredentials } from './config';
import { exportDeployments, readDeploymentFile } from './deploy-file';
import { CliError, describeError, EXIT } from './exit';
import { formatPlan, hasChanges, type Paint } from './plan-output';
import { uploadArtifact, waitInspected } from './upload';
import { printLogs, sinceDuration } from './logs';
import { followRollouts, printEvents } from './watch';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);
const colors = pc.createColors(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
const paint: Paint = { green: colors.green, yellow: colors.yellow, red: colors.red, dim: colors.dim, bold: colors.bold };

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
};

/** "3" is a label, "sha256:…" (or 64 hex digits) a digest. */
function versionRef(value: string): { versionLabel: number } | { versionDigest: string } {
  if (/^v?\d+$/.test(value)) return { versionLabel: Number(value.replace(/^v/, '')) };
  if (/^(sha256:)?[a-f0-9]{64}$/.test(value)) return { versionDigest: value };
  throw new InvalidArgumentError('expected a version label (3) or a digest (sha256:<64 hex digits>)');
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const readyReplicas = (d: Deployment) => d.variants.flatMap((v) => v.replicaList).filter((r) => r.state === 'ready').length;

/** Waits for the rollout of `revision` unless told not to; a rollout that fails or rolls back ends the command with 1. */
async function settle(client: SlipwayClient, name: string, revision: number, wait: boolean): Promise<void> {
  if (!wait) return;
  const failures = await followRollouts(client, [{ name, revision }], out);
  if (failures.length) throw new CliError(`${name}: ${failures[0]!.reason}`, EXIT.rolloutFailed);
}

/** The key from a prompt on a terminal, or piped in (`echo "$SLIPWAY_KEY" | slipway login …`). */
async function readKey(label = 'API key'): Promise<string> {
  if (!process.stdin.isTTY) return readFileSync(0, 'utf8');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question(`${label}: `);
  } finally {
    prompt.close();
  }
}

const program = new Command('slipway')
  .description('Slipway from the command line: upload models, deploy them, and keep deployments in Git (apply, diff, export).')
  .showHelpAfterError()
  .exitOverride();

program
  .command('login')
  .description('store the server URL and an API key (create one under API keys in the console) in ~/.config/slipway')
  .argument('<url>', 'the console address, e.g. http://127.0.0.1:3000')
  .option('--key <key>', 'the API key (default: asked for, or read from standard input)')
  .action(async (url: string, opts: { key?: string }) => {
    const key = (opts.key ?? (await readKey())).trim();
    if (!key) throw new CliError('no API key given: pass --key or pipe it in (echo "$SLIPWAY_KEY" | slipway login <url>)');
    const client = new SlipwayClient({ url, key });
    const me = await client.me();
    const file = saveCredentials({ url: client.url, key });
    out(`Logged in to ${client.url} as ${me.user.email}; saved to ${file}`);
  });

program
  .command('models')
  .description('list models with their latest version')
  .action(async () => {
    const models = await clientFromConfig().models();
    if (!models.length)
      return out('No models yet. Create one in the console (Models → New) or with POST /api/v1/models, then `slipway upload <model> <file>`.');
    out(
      table([
        ['NAME', 'TEAM', 'VERSIONS', 'LATEST', 'STATUS', 'DIGEST'],
        ...models.map((m) => [
          m.name,
          m.team.name,
          String(m.versionCount),
          m.latestVersion ? `v${m.latestVersion.label}` : '-',
          m.latestVersion?.status ?? '-',
          m.latestVersion ? `sha256:${m.latestVersion.digest.slice(0, 12)}` : '-',
        ]),
      ]),
    );
  });

program
  .command('upload')
  .description('upload an artifact (.onnx, .onnx.gz, .tar.gz, .zip) as a new version, resumably; waits until it is inspected')
  .argument('<model>', 'the model it is a version of')
  .argument('<file>', 'the artifact')
  .option('--no-wait', 'return once the bytes are uploaded, before inspection')
  .action(async (model: string, file: string, opts: { wait: boolean }) => {
    const client = clientFromConfig();
    const { version, deduplicated } = await uploadArtifact(client, {
      model,
      file,
      resumeStore: path.join(configDir(), 'uploads.json'),
      tty: Boolean(process.stderr.isTTY),
      log: err,
    });
    if (deduplicated) out(`Identical bytes are already v${version.label} of ${model}.`);
    const settled = opts.wait ? await waitInspected(client, model, version.label) : version;
    if (settled.status === 'failed') throw new CliError(`v${settled.label} of ${model} failed inspection: ${settled.statusReason}`);
    out(`${model} v${settled.label} ${settled.status} sha256:${settled.digest}`);
  });

program
  .command('deploy')
  .description('deploy a version (a new deployment, or a new revision of a running one) and wait until it is live')
  .argument('<name>', 'the deployment (its endpoint is /models/<name>/predict)')
  .requiredOption('--model <model>', 'the model')
  .requiredOption('--version <version>', 'a label (3) or a digest (sha256:…)', versionRef)
  .requiredOption('--machine-type <type>', 'e.g. cpu-small')
  .option('--replicas <n>', 'replica count', positiveInt, 1)
  .option('--no-wait', 'return once the revision is written')
  .action(async (name: string, opts: { model: string; version: ReturnType<typeof versionRef>; machineType: string; replicas: number; wait: boolean }) => {
    const client = clientFromConfig();
    const existing = await client.deployment(name).catch((e) => (e instanceof SlipwayError && e.status === 404 ? null : Promise.reject(e)));
    const running = existing && !['stopped', 'failed'].includes(existing.status);
    if (running && existing.model.name !== opts.model) throw new CliError(`deployment '${name}' serves model '${existing.model.name}', not '${opts.model}'`);
    const revision = running
      ? await client.updateDeployment(name, { ...opts.version, machineType: opts.machineType, replicas: opts.replicas }).then((r) => {
          out(r.changes.length ? `${name}: revision ${r.revision}: ${r.changes.join('; ')}` : `${name}: no changes`);
          return r.revision;
        })
      : await client.createDeployment({ name, modelName: opts.model, ...opts.version, machineType: opts.machineType, replicas: opts.replicas }).then((d) => {
          out(`${name}: deploying revision ${d.revision}`);
          return d.revision;
        });
    await settle(client, name, revision, opts.wait);
  });

program
  .command('status')
  .description('deployments and how their rollouts stand (one deployment: its variants and replicas)')
  .argument('[name]')
  .action(async (name?: string) => {
    const client = clientFromConfig();
    if (!name) {
      const deployments = await client.deployments();
      if (!deployments.length) return out('No deployments yet: `slipway deploy` one, or `slipway apply -f slipway.deploy.yaml`.');
      return out(
        table([
          ['NAME', 'MODEL', 'STATUS', 'REVISION', 'READY', 'ENDPOINT'],
          ...deployments.map((d) => [
            d.name,
            d.model.name,
            d.status,
            `${d.stableRevision ?? '-'}/${d.revision}`,
            String(readyReplicas(d)),
            d.endpoints.predict,
          ]),
        ]),
      );
    }
    const d = await client.deployment(name);
    out(
      `${d.name} (model ${d.model.name}): ${d.status}${d.statusReason ? ` (${d.statusReason})` : ''}; revision ${d.revision}, live ${d.stableRevision ?? 'none'}`,
    );
    if (d.rollout) out(`rollout: ${d.rollout.strategy}, ${d.rollout.phase}, ${d.rollout.trafficPercent}% of traffic on the new revision`);
    out(`endpoint: ${d.endpoints.predict}`);
    out(
      table([
        ['VARIANT', 'ROLE', 'VERSION', 'MACHINE', 'WEIGHT', 'REPLICAS', 'READY'],
        ...d.variants.map((v) => [
          v.name,
          v.role,
          `v${v.version.label}`,
          v.machineType.name,
          v.role === 'shadow' ? `mirror ${v.mirrorPercent}%` : `${v.trafficWeight}%`,
          String(v.replicas),
          String(v.replicaList.filter((r) => r.state === 'ready').length),
        ]),
      ]),
    );
  });

program
  .command('events')
  .description("a deployment's rollout steps and decisions")
  .argument('<name>')
  .option('-f, --follow', 'keep printing new events until interrupted')
  .action(async (name: string, opts: { follow?: boolean }) => printEvents(clientFromConfig(), name, Boolean(opts.follow), out));

program
  .command('logs')
  .description("a deployment's replica logs (stdout and stderr of running and recently stopped replicas)")
  .argument('<name>')
  .option('-f, --follow', 'keep printing new lines until interrupted')
  .option('-r, --replica <id>', 'only this replica (ids in the first column; a prefix is enough)')
  .option('-s, --search <text>', 'only lines containing this text (case-insensitive)')
  .option('--since <duration>', 'only lines from the last 30s, 15m, 2h …', (value: string) => sinceDuration(value))
  .option('-n, --tail <lines>', 'the newest N lines', positiveInt, 200)
  .action(async (name: string, opts: { follow?: boolean; replica?: string; search?: string; since?: string; tail: number }) =>
    printLogs(clientFromConfig(), name, opts, out),
  );

program
  .command('scale')
  .description('a fixed replica count, or the autoscaler bounds (a new revision)')
  .argument('<name>')
  .option('--replicas <n>', 'a fixed count (turns autoscaling off)', positiveInt)
  .option('--min <n>', 'autoscaler minReplicas (0: may sleep)', positiveInt)
  .option('--max <n>', 'autoscaler maxReplicas', positiveInt)
  .option('--variant <variant>', 'default: the primary')
  .option('--supersede', 'replace a rollout in progress')
  .option('--no-wait', 'return once the revision is written')
  .action(async (name: string, opts: { replicas?: number; min?: number; max?: number; variant?: string; supersede?: boolean; wait: boolean }) => {
    const client = clientFromConfig();
    const result = await client.scale(name, {
      replicas: opts.replicas,
      minReplicas: opts.min,
      maxReplicas: opts.max,
      variant: opts.variant,
      supersede: opts.supersede,
    });
    out(result.changes.length ? `${name}: revision ${result.revision}: ${result.changes.join('; ')}` : `${name}: no changes`);
    await settle(client, name, result.revision, opts.wait);
  });

for (const [action, what] of [
  ['promote', 'skip the rest of a canary rollout: all traffic to the new revision now'],
  ['abort', 'stop a rollout in progress and go back to the revision that was serving'],
] as const) {
  program
    .command(action)
    .description(what)
    .argument('<name>')
    .action(async (name: string) => {
      const d = await clientFromConfig().control(name, action);
      out(`${name}: ${action === 'promote' ? 'promoted' : 'aborted'}; ${d.status}, revision ${d.revision}`);
    });
}

program
  .command('rollback')
  .description('restore an earlier revision (default: the one before the current) as a new revision, blue-green')
  .argument('<name>')
  .argument('[revision]', 'the revision to restore', positiveInt)
  .option('--supersede', 'replace a rollout in progress')
  .option('--no-wait', 'return once the revision is written')
  .action(async (name: string, revision: number | undefined, opts: { supersede?: boolean; wait: boolean }) => {
    const client = clientFromConfig();
    const target = revision ?? (await client.revisions(name)).current - 1;
    if (target < 1) throw new CliError(`${name} has no earlier revision to restore`);
    const result = await client.rollback(name, target, opts.supersede);
    out(`${name}: revision ${result.revision} restores revision ${target}: ${result.changes.join('; ') || 'no changes'}`);
    await settle(client, name, result.revision, opts.wait);
  });

const money = (n: number) => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;

program
  .command('spend')
  .description('spend to date per team and per deployment: replica-hours × machine price (admins: every team)')
  .action(async () => {
    const report = await clientFromConfig().spend();
    out(`total ${money(report.total.cost)} (${report.total.replicaHours.toFixed(2)} replica-hours), now ${money(report.total.costPerHour)}/h`);
    out(
      table([
        ['TEAM', 'DEPLOYMENT', 'REPLICA-HOURS', 'SPEND', 'NOW/H'],
        ...report.deployments.map((d) => [
          d.team.name,
          d.deleted ? `${d.name} (deleted)` : d.name,
          d.replicaHours.toFixed(2),
          money(d.cost),
          money(d.costPerHour),
        ]),
      ]),
    );
  });

program
  .command('delete')
  .description('delete a deployment: its replicas stop, the name is free again; history and spend stay')
  .argument('<name>')
  .option('-y, --yes', 'do not ask for confirmation')
  .action(async (name: string, opts: { yes?: boolean }) => {
    if (!opts.yes) {
      if (!process.stdin.isTTY) throw new CliError(`refusing to delete '${name}' without a terminal to confirm; pass --yes`);
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await prompt.question(`Delete deployment '${name}'? Type its name to confirm: `).finally(() => prompt.close());
      if (answer.trim() !== name) throw new CliError('not deleted');
    }
    await clientFromConfig().deleteDeployment(name);
    out(`${name}: deleted; its replicas are stopping and the name is free`);
  });

program
  .command('clone')
  .description("deploy a copy of a deployment's desired state under a new name")
  .argument('<name>')
  .argument('<new-name>')
  .action(async (name: string, newName: string) => {
    const copy = await clientFromConfig().cloneDeployment(name, newName);
    out(`${copy.name}: cloned from ${name}; ${copy.status}, endpoint ${copy.endpoints.predict}`);
  });

program
  .command('alias')
  .description('point a model alias (production, staging…) at a version; deployments that follow it roll out')
  .argument('<model>')
  .argument('<alias>')
  .argument('<version>', 'the version label', (v: string) => positiveInt(v.replace(/^v/, '')))
  .action(async (model: string, alias: string, version: number) => {
    const result = await clientFromConfig().moveAlias(model, alias, version);
    out(`${model}@${alias} → v${version}`);
    for (const r of result.rollouts) out(`  ${r.deployment}: ${r.changes.length ? `revision ${r.revision}: ${r.changes.join('; ')}` : 'already serves it'}`);
  });

program
  .command('follow')
  .description('make a deployment follow an alias of its model ("none": stop following)')
  .argument('<deployment>')
  .argument('<alias>')
  .action(async (deployment: string, alias: string) => {
    const result = await clientFromConfig().follow(deployment, alias === 'none' ? null : alias);
    out(
      `${deployment}: ${result.followsAlias ? `follows ${result.followsAlias}` : 'follows no alias'}${result.rollout?.changes.length ? `; revision ${result.rollout.revision} rolling out` : ''}`,
    );
  });

program
  .command('key')
  .description('create an API key (shown once), optionally read-only, limited to deployments, expiring')
  .argument('<name>')
  .option('--read-only', 'docs and schema only, no predictions')
  .option('--deployment <name...>', 'the deployments it may reach (default: all of your teams)')
  .option('--expires-in-days <days>', 'days until it stops working', positiveInt)
  .action(async (name: string, opts: { readOnly?: boolean; deployment?: string[]; expiresInDays?: number }) => {
    const created = await clientFromConfig().createApiKey({
      name,
      scope: opts.readOnly ? 'read-only' : 'invoke',
      deployments: opts.deployment,
      expiresAt: opts.expiresInDays ? new Date(Date.now() + opts.expiresInDays * 86_400_000).toISOString() : undefined,
    });
    err(`API key '${created.apiKey.name}' created; it is shown only once:`);
    out(created.key);
  });

const fileOption = () => new Option('-f, --file <file>', 'the deployment file ("-": standard input)').makeOptionMandatory();

program
  .command('diff')
  .description('what `apply` would change (+ added, ~ changed, - removed), with hourly cost and quota; exit 0 same, 1 different, 2 error')
  .addOption(fileOption())
  .option('--prune', 'also plan to stop running deployments the file does not name')
  .action(async (opts: { file: string; prune?: boolean }) => {
    const file = readDeploymentFile(opts.file);
    const plan = await clientFromConfig().plan(file, { prune: opts.prune });
    out(formatPlan(plan, paint));
    process.exitCode = hasChanges(plan) ? EXIT.different : EXIT.ok;
  });

program
  .command('apply')
  .description('make what runs match the file, then wait for each rollout; exit 1 if one fails or rolls back')
  .addOption(fileOption())
  .option('--prune', 'also stop running deployments the file does not name')
  .option('--supersede', 'replace rollouts in progress')
  .option('--no-wait', 'return once the revisions are written')
  .action(async (opts: { file: string; prune?: boolean; supersede?: boolean; wait: boolean }) => {
    const client = clientFromConfig();
    const result = await client.apply(readDeploymentFile(opts.file), { prune: opts.prune, supersede: opts.supersede });
    out(formatPlan(result, paint));
    const targets = result.applied.flatMap((a) =>
      (a.action === 'create' || a.action === 'update') && a.revision !== null ? [{ name: a.name, revision: a.revision }] : [],
    );
    if (!opts.wait || !targets.length) return;
    out();
    const failures = await followRollouts(client, targets, out);
    for (const f of failures) err(paint.red(`${f.name}: ${f.reason}`));
    if (failures.length) throw new CliError(`${failures.length} of ${targets.length} rollout(s) did not go live`, EXIT.rolloutFailed);
    out(paint.green(`Applied: ${targets.length} deployment(s) live.`));
  });

program
  .command('export')
  .description('write what runs as a deployment file (versions pinned by digest)')
  .argument('[names...]', 'only these deployments (default: all you can see)')
  .option('-o, --output <file>', 'write here instead of standard output')
  .action(async (names: string[], opts: { output?: string }) => {
    const client = clientFromConfig();
    const all = await client.deployments();
    const missing = names.filter((n) => !all.some((d) => d.name === n));
    if (missing.length) throw new CliError(`no deployment named ${missing.map((n) => `'${n}'`).join(', ')}`);
    const yaml = exportDeployments(names.length ? all.filter((d) => names.includes(d.name)) : all, client.url);
    if (opts.output) {
      writeFileSync(opts.output, yaml);
      err(`wrote ${opts.output}`);
    } else process.stdout.write(yaml);
  });

/** The team a secret command acts on: --team (name or id), else the caller's only team where they may write. */
async function secretTeam(client: SlipwayClient, team: string | undefined): Promise<{ id: string; name: string }> {
  const { teams } = await client.me();
  const candidates = team ? teams.filter((t) => t.id === team || t.name === team) : teams.filter((t) => t.role !== 'viewer');
  if (candidates.length === 1) return candidates[0]!;
  if (team) throw new CliError(`you are not in a team named '${team}'`);
  throw new CliError(`you are in ${candidates.length} teams that can hold secrets; pick one with --team <name>`);
}

const secrets = program
  .command('secrets')
  .description("a team's secrets for its services: write-only, given to the services that name them as environment variables");
secrets
  .command('list')
  .description('secret names and when each was last set (values are never shown)')
  .option('--team <team>', 'the team (name or id)')
  .action(async (opts: { team?: string }) => {
    const client = clientFromConfig();
    const team = await secretTeam(client, opts.team);
    const list = await client.secrets(team.id);
    if (!list.length) return out(`No secrets in ${team.name} yet. Set one with \`echo "$VALUE" | slipway secrets set NAME\`.`);
    out(table([['NAME', 'VERSION', 'UPDATED'], ...list.map((s) => [s.name, String(s.version), s.updatedAt])]));
  });
secrets
  .command('set')
  .description('set or rotate a secret; the value is read from standard input (never an argument: shells keep history)')
  .argument('<name>', 'the environment variable name, e.g. PI_TOKEN')
  .option('--team <team>', 'the team (name or id)')
  .action(async (name: string, opts: { team?: string }) => {
    const client = clientFromConfig();
    const team = await secretTeam(client, opts.team);
    const value = await readKey(`value of ${name}`);
    const secret = await client.setSecret(team.id, name, value.replace(/\r?\n$/, ''));
    out(`${secret.name} set in ${team.name} (version ${secret.version}); services pick it up when their replicas next start.`);
  });
secrets
  .command('delete')
  .description('delete a secret (running replicas keep the value they started with)')
  .argument('<name>', 'the secret')
  .option('--team <team>', 'the team (name or id)')
  .action(async (name: string, opts: { team?: string }) => {
    const client = clientFromConfig();
    const team = await secretTeam(client, opts.team);
    await client.deleteSecret(team.id, name);
    out(`${name} deleted from ${team.name}.`);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version are not failures; a usage mistake is an error like any other (exit 2).
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.error;
  } else {
    err(`${paint.red('error:')} ${describeError(error)}`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT.error;
  }
}
