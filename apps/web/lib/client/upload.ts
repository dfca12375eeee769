'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, redirectToLogin, toApiError } from './api';
import type { Version } from './types';

/** File types the API accepts as model artifacts (.onnx.gz, .tar.gz and .zip come later). */
export const ACCEPTED_ARTIFACTS = ['.onnx'];

export const isAcceptedArtifact = (fileName: string) =>
  ACCEPTED_ARTIFACTS.some((ext) => fileName.toLowerCase().endsWith(ext));

export interface UploadProgress {
  loaded: number;
  total: number;
  bytesPerSecond: number;
}

export interface UploadResult {
  version: Version;
  /** The same bytes were uploaded before: the existing version is returned, nothing new is stored. */
  deduplicated: boolean;
}

class UploadCancelled extends Error {}

/** XMLHttpRequest rather than fetch: only XHR reports upload progress in every browser. */
function sendArtifact(modelName: string, file: File, onProgress: (progress: UploadProgress) => void) {
  const xhr = new XMLHttpRequest();
  const started = performance.now();
  const result = new Promise<UploadResult>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      const seconds = (performance.now() - started) / 1000;
      onProgress({
        loaded: event.loaded,
        total: event.lengthComputable ? event.total : file.size,
        bytesPerSecond: seconds > 0 ? event.loaded / seconds : 0,
      });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve(JSON.parse(xhr.responseText) as UploadResult);
      if (xhr.status === 401) redirectToLogin();
      reject(toApiError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'the upload was interrupted; check your connection and try again'));
    xhr.onabort = () => reject(new UploadCancelled());
  });
  const query = new URLSearchParams({ filename: file.name });
  xhr.open('POST', `/api/v1/models/${encodeURIComponent(modelName)}/versions?${query}`);
  xhr.setRequestHeader('content-type', 'application/octet-stream');
  xhr.send(file);
  return { result, abort: () => xhr.abort() };
}

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; progress: UploadProgress }
  | { phase: 'done'; progress: UploadProgress; result: UploadResult }
  | { phase: 'failed'; error: ApiError }
  | { phase: 'cancelled' };

/** One artifact upload at a time, with progress, cancel, and abort when the component goes away. */
export function useUpload() {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const abortRef = useRef<(() => void) | null>(null);

  useEffect(() => () => abortRef.current?.(), []);

  const start = useCallback(async (modelName: string, file: File): Promise<UploadResult | null> => {
    let last: UploadProgress = { loaded: 0, total: file.size, bytesPerSecond: 0 };
    setState({ phase: 'uploading', progress: last });
    const upload = sendArtifact(modelName, file, (progress) => {
      last = progress;
      setState({ phase: 'uploading', progress });
    });
    abortRef.current = upload.abort;
    try {
      const result = await upload.result;
      setState({ phase: 'done', progress: { ...last, loaded: last.total }, result });
      return result;
    } catch (error) {
      if (error instanceof UploadCancelled) setState({ phase: 'cancelled' });
      else setState({ phase: 'failed', error: error instanceof ApiError ? error : new ApiError(0, 'upload_failed', String(error)) });
      return null;
    } finally {
      abortRef.current = null;
    }
  }, []);

  const cancel = useCallback(() => abortRef.current?.(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, start, cancel, reset };
}
