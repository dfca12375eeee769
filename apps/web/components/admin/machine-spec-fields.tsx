import type { MachineType, MachineTypeSpec } from '@/lib/client/types';

type SpecField = keyof MachineTypeSpec;

/** A machine type's spec as its form fields hold it: text, parsed on submit. */
export type MachineSpecDraft = Record<SpecField, string>;

export const EMPTY_SPEC_DRAFT: MachineSpecDraft = { vcpu: '', memoryMb: '', gpuType: '', gpuCount: '0', hourlyCost: '' };

export const SPEC_LABELS: Record<SpecField, string> = {
  vcpu: 'vCPU',
  memoryMb: 'Memory (MB)',
  gpuType: 'GPU model',
  gpuCount: 'GPUs',
  hourlyCost: 'Cost ($/h)',
};

export function toDraft(m: MachineType): MachineSpecDraft {
  return {
    vcpu: String(m.vcpu),
    memoryMb: String(m.memoryMb),
    gpuType: m.gpuType ?? '',
    gpuCount: String(m.gpuCount),
    hourlyCost: String(m.hourlyCost),
  };
}

function parseNumber(field: SpecField, text: string): number {
  const value = Number(text);
  if (!text.trim() || !Number.isFinite(value)) throw new Error(`${SPEC_LABELS[field]}: enter a number.`);
  return value;
}

/** Only that the fields are numbers; ranges and the GPU rules are the API's to judge, and its message is shown. */
export function parseDraft(draft: MachineSpecDraft): MachineTypeSpec {
  return {
    vcpu: parseNumber('vcpu', draft.vcpu),
    memoryMb: parseNumber('memoryMb', draft.memoryMb),
    gpuType: draft.gpuType.trim() || null,
    gpuCount: parseNumber('gpuCount', draft.gpuCount),
    hourlyCost: parseNumber('hourlyCost', draft.hourlyCost),
  };
}

/** One spec field's input; the caller labels it (a visible label in a form, aria-label in a table row). */
export function SpecInput({
  field,
  draft,
  onChange,
  ...labelling
}: {
  field: SpecField;
  draft: MachineSpecDraft;
  onChange: (patch: Partial<MachineSpecDraft>) => void;
  id?: string;
  'aria-label'?: string;
  'aria-describedby'?: string;
  form?: string;
  autoFocus?: boolean;
}) {
  const numeric = field !== 'gpuType';
  return (
    <input
      {...labelling}
      className="input"
      autoComplete="off"
      type={numeric ? 'number' : 'text'}
      min={numeric ? 0 : undefined}
      step={field === 'hourlyCost' ? 'any' : numeric ? 1 : undefined}
      inputMode={field === 'hourlyCost' ? 'decimal' : numeric ? 'numeric' : undefined}
      placeholder={field === 'gpuType' ? 'None, or e.g. nvidia-t4' : undefined}
      value={draft[field]}
      onChange={(e) => onChange({ [field]: e.target.value })}
    />
  );
}
