import { describe, expect, it } from 'vitest';
import { machinePlacement } from './gpu-placement';

const cpu = { gpuType: null, gpuCount: 0 };
const l4 = { gpuType: 'nvidia-l4', gpuCount: 1 };

describe('machinePlacement', () => {
  it('marks GPU machines unavailable on a host without GPUs, with the reason', () => {
    expect(machinePlacement({ driver: 'local', hostGpus: 0 }, cpu)).toEqual({ available: true, reason: null });
    expect(machinePlacement({ driver: 'local', hostGpus: 0 }, l4)).toEqual({ available: false, reason: 'Needs 1 GPU(s); this host has no GPU for replicas.' });
    expect(machinePlacement({ driver: 'local', hostGpus: 1 }, { ...l4, gpuCount: 2 }).reason).toBe('Needs 2 GPU(s); this host offers 1 GPU(s) to replicas.');
    expect(machinePlacement({ driver: 'local', hostGpus: 2 }, l4).available).toBe(true);
  });

  it('follows the Kubernetes driver: a GPU image, and scheduling for the GPU model when one is configured', () => {
    expect(machinePlacement({ driver: 'kubernetes', gpuImage: false, gpuTypes: null }, l4).available).toBe(false);
    expect(machinePlacement({ driver: 'kubernetes', gpuImage: true, gpuTypes: null }, l4).available).toBe(true);
    expect(machinePlacement({ driver: 'kubernetes', gpuImage: true, gpuTypes: ['nvidia-t4'] }, l4).reason).toBe(
      'The cluster has no scheduling rule for nvidia-l4 GPUs.',
    );
  });

  it('claims nothing while no worker has published what it can place', () => {
    expect(machinePlacement(null, l4)).toEqual({ available: true, reason: null });
  });
});
