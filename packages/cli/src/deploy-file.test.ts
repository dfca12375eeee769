import type { Deployment } from '@slipway/client';
import { deploymentFileSchema, type DeploymentSpec } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportDeployments, readDeploymentFile } from './deploy-file';

const DIGEST = 'c'.repeat(64);

describe('deployment files', () => {
  it('reads a valid file as written', () => {
    const text = `deployments:\n  - name: iris\n    model: iris\n    variants:\n      - { name: primary, versionDigest: "sha256:${DIGEST}", machineType: cpu-small }\n`;
    expect(readDeploymentFile('slipway.deploy.yaml', text)).toEqual({
      deployments: [{ name: 'iris', model: 'iris', variants: [{ name: 'primary', versionDigest: `sha256:${DIGEST}`, machineType: 'cpu-small' }] }],
    });
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => readDeploymentFile('f.yaml', 'deployments:\n  - name: iris\n   model: [iris\n')).toThrow(/^f\.yaml:3: /);
  });

  it('names the line and field of each schema problem, or the parent for a missing one', () => {
    const text = 'deployments:\n  - name: iris\n    model: iris\n    variants:\n      - name: primary\n        versionLabel: 0\n';
    expect(() => readDeploymentFile('f.yaml', text)).toThrow(
      'f.yaml is not a valid deployment file:\nf.yaml:6: deployments.0.variants.0.versionLabel: Too small: expected number to be >0\nf.yaml:5: deployments.0.variants.0.machineType: Invalid input: expected string, received undefined',
    );
  });

  it('exports what runs (not stopped ones) as a file the schema accepts', () => {
    const spec: DeploymentSpec = {
      variants: [
        { name: 'primary', role: 'primary', versionDigest: DIGEST, versionLabel: 1, machineType: 'cpu-small', replicas: 2, weight: 100, mirrorPercent: 0 },
      ],
      strategy: { type: 'blue-green' },
    };
    const running = { name: 'iris', status: 'ready', model: { name: 'iris' }, spec } as Deployment;
    const stopped = { ...running, name: 'old', status: 'stopped' } as Deployment;
    const text = exportDeployments([running, stopped], 'http://127.0.0.1:3000/');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=http://127.0.0.1:3000/api/v1/schemas/deploy');
    const file = deploymentFileSchema.parse(parse(text));
    expect(file.deployments.map((d) => d.name)).toEqual(['iris']);
    expect(file.deployments[0]!.variants[0]).toMatchObject({ versionDigest: DIGEST, replicas: 2 });
  });
});
