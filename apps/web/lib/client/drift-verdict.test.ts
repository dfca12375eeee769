import { describe, expect, it } from 'vitest';
import { driftVerdict } from './drift-verdict';

const windows = (statuses: ('ok' | 'drift')[]) => statuses.map((status, i) => ({ start: i, count: 100, score: 0, threshold: 0.1, status, mean: null }));

describe('driftVerdict', () => {
  it('explains an OK beside a high PSI: the distance decides, PSI is context', () => {
    expect(
      driftVerdict({ kind: 'numeric', status: 'ok', score: 0.08, threshold: 0.1, psi: 2.36, outOfRange: 0.143, overTime: windows(['ok', 'drift', 'ok']) }),
    ).toBe(
      'OK: Wasserstein distance 0.08 against its threshold 0.1; over it in 1 of the last 3 windows; drift needs 2. PSI and the share out of range are shown for context and do not set the status (PSI above 0.25 is worth a look).',
    );
  });

  it('says drift when the breach persists, and nothing without a score', () => {
    expect(
      driftVerdict({
        kind: 'categorical',
        status: 'drift',
        score: 0.4,
        threshold: 0.1,
        psi: null,
        outOfRange: null,
        overTime: windows(['drift', 'drift', 'drift']),
      }),
    ).toBe('Drift: Jensen–Shannon distance 0.4 against its threshold 0.1; over it in 3 of the last 3 windows, and 2 are enough.');
    expect(driftVerdict({ kind: 'numeric', status: 'no_reference', score: null, threshold: null, psi: null, outOfRange: null, overTime: [] })).toBeNull();
  });
});
