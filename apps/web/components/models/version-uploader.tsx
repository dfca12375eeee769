'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { queryKeys } from '@/lib/client/queries';
import { ACCEPTED_ARTIFACTS, isAcceptedArtifact, useUpload } from '@/lib/client/upload';
import { FormError } from '../states';
import { UploadProgress } from './upload-progress';

/** "Upload new version": pick a file, watch it upload; the versions table picks it up live. */
export function VersionUploader({ modelName }: { modelName: string }) {
  const queryClient = useQueryClient();
  const upload = useUpload();
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const uploading = upload.state.phase === 'uploading';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return setError(new Error('Choose the model file to upload.'));
    if (!isAcceptedArtifact(file.name)) return setError(new Error(`“${file.name}” is not a model artifact; upload ${ACCEPTED_ARTIFACTS.join(', ')}.`));
    setError(null);
    const result = await upload.start(modelName, file);
    if (!result) return;
    setFile(null);
    if (fileInput.current) fileInput.current.value = '';
    await queryClient.invalidateQueries({ queryKey: queryKeys.model(modelName) });
    await queryClient.invalidateQueries({ queryKey: queryKeys.models });
  };

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <div className="form-row">
        <div className="field" style={{ flex: '0 1 auto' }}>
          <label htmlFor="version-file">Upload new version</label>
          <input
            ref={fileInput}
            id="version-file"
            type="file"
            accept={ACCEPTED_ARTIFACTS.join(',')}
            disabled={uploading}
            aria-describedby="version-file-hint"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              upload.reset();
            }}
          />
          <span id="version-file-hint" className="hint">
            ONNX ({ACCEPTED_ARTIFACTS.join(', ')}); archives may hold a slipway.yaml or an MLflow model. An interrupted upload continues where it stopped when
            you choose the same file again.
          </span>
        </div>
        <button type="submit" className="btn" disabled={uploading || !file}>
          Upload
        </button>
      </div>
      <FormError error={error} />
      <UploadProgress state={upload.state} onCancel={upload.cancel} />
    </form>
  );
}
