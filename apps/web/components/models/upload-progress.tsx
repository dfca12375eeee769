'use client';

import { formatBytes, formatRate } from '@/lib/client/format';
import type { UploadState } from '@/lib/client/upload';
import { ProgressBar } from '../progress-bar';
import { FormError } from '../states';

/** Progress (percent, bytes, MB/s) with Cancel while uploading; the outcome afterwards. */
export function UploadProgress({ state, onCancel }: { state: UploadState; onCancel: () => void }) {
  switch (state.phase) {
    case 'idle':
      return null;
    case 'uploading': {
      const { loaded, total, bytesPerSecond } = state.progress;
      const percent = total > 0 ? (loaded / total) * 100 : 0;
      return (
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div style={{ flex: 1 }}>
            <ProgressBar
              label="Upload progress"
              value={percent}
              caption={`${formatBytes(loaded)} of ${formatBytes(total)}`}
              detail={`${Math.round(percent)}% · ${formatRate(bytesPerSecond)}`}
            />
          </div>
          <button type="button" className="btn btn-sm" onClick={onCancel}>
            Cancel
          </button>
        </div>
      );
    }
    case 'done': {
      const { version, deduplicated } = state.result;
      return (
        <ProgressBar
          label="Upload progress"
          value={100}
          tone="green"
          caption={
            deduplicated
              ? `This file is already v${version.label}; nothing new was stored.`
              : `Uploaded as v${version.label}.`
          }
          detail={`100% · ${formatBytes(state.progress.total)}`}
        />
      );
    }
    case 'failed':
      return <FormError error={state.error} />;
    case 'cancelled':
      return (
        <div className="alert alert-info" role="status">
          Upload cancelled.
        </div>
      );
  }
}
