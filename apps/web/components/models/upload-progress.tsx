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
      // The last chunk's answer waits for the server to hash and check the file; that cannot be cancelled.
      const checking = total > 0 && loaded >= total;
      return (
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div style={{ flex: 1 }}>
            <ProgressBar
              label="Upload progress"
              value={percent}
              caption={checking ? 'All bytes sent; checking the file…' : `${formatBytes(loaded)} of ${formatBytes(total)}`}
              detail={`${Math.floor(percent)}% · ${formatRate(bytesPerSecond)}`}
            />
          </div>
          {!checking && (
            <button type="button" className="btn btn-sm" onClick={onCancel}>
              Cancel
            </button>
          )}
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
            <span role="status">
              {deduplicated ? `Identical to v${version.label} (deduplicated): nothing new was stored.` : `Uploaded as v${version.label}.`}
            </span>
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
          Upload cancelled; nothing was stored.
        </div>
      );
  }
}
