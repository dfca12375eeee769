/** The machine catalog a fresh installation starts with; admins edit it afterwards. */
export interface MachineTypeSpec {
  name: string;
  vcpu: number;
  memoryMb: number;
  gpuType: string | null;
  gpuCount: number;
  hourlyCost: number;
}

export const DEFAULT_MACHINE_CATALOG: readonly MachineTypeSpec[] = [
  { name: 'cpu-small', vcpu: 1, memoryMb: 2048, gpuType: null, gpuCount: 0, hourlyCost: 0.05 },
  { name: 'cpu-medium', vcpu: 2, memoryMb: 4096, gpuType: null, gpuCount: 0, hourlyCost: 0.1 },
  { name: 'cpu-large', vcpu: 4, memoryMb: 16384, gpuType: null, gpuCount: 0, hourlyCost: 0.4 },
  { name: 'gpu-t4', vcpu: 4, memoryMb: 16384, gpuType: 'nvidia-t4', gpuCount: 1, hourlyCost: 0.53 },
  { name: 'gpu-a100', vcpu: 12, memoryMb: 87040, gpuType: 'nvidia-a100', gpuCount: 1, hourlyCost: 3.67 },
];

/** Intra-op threads for a replica: the machine's vCPUs, capped by what the host really has. */
export function intraOpThreads(vcpu: number, hostCpus: number): number {
  return Math.max(1, Math.min(vcpu, hostCpus));
}
