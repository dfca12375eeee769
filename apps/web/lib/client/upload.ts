'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { DetailedError, Upload } from 'tus-js-client';
import { ApiError, redirectToLogin, toApiError } from './api';
import type { Version } from './types';

/** File types the API accepts as model artifacts. */
export const ACCEPTED_ARTIFACTS = ['.onnx', '.onnx.gz', '.tar.gz', '.tgz', '.zip'];

export const isAcceptedArtifact = (fileName: string) => ACCEPTED_ARTIFACTS.some((ext) => fileName.toLowerCase().endsWith(ext));

const UPLOADS_ENDPOINT = '/api/v1/uploads';
/** Each PATCH stays under the 10 MB request bodies that proxies (nginx, Next's own proxy buffering) commonly allow. */
const CHUNK_BYTES = 8 * 1024 * 1024;
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000];

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

/**
 * Another attempt can fix a lost connection, a locked upload, an offset conflict or a gateway hiccup;
 * a refusal the server explained (bad file, no permission, quota) stays a refusal.
 */
function isWorthRetrying(error: DetailedError): boolean {
  const status = error.originalResponse?.getStatus() ?? 0;
  return [0, 409, 423, 502, 503, 504].includes(status);
}

function toUploadError(error: Error): ApiError {
  const response = error instanceof DetailedError ? error.originalResponse : null;
  if (!response) {
    return new ApiError(0, 'network_error', 'the upload was interrupted; choose the same file again to continue where it stopped');
  }
  if (response.getStatus() === 401) redirectToLogin();
  return toApiError(response.getStatus(), response.getBody());
}

function parseResult(body: string): UploadResult {
  try {
    const result = JSON.parse(body) as Partial<UploadResult>;
    if (result.version) return { version: result.version, deduplicated: result.deduplicated === true };
  } catch {
    // Not the JSON the API sends: fall through.
  }
  throw new ApiError(0, 'upload_unconfirmed', 'the file arrived but the server did not confirm a version; reload the page to see it');
}

/**
 * Sends `file` with the tus protocol in chunks. An interrupted upload of the same file to the same model
 * (this browser remembers it by name, size and date) continues from where the server stopped.
 */
function sendArtifact(modelName: string, file: File, onProgress: (progress: UploadProgress) => void) {
  let cancelled = false;
  let started: { at: number; bytes: number } | null = null;
  let resolveResult: (result: UploadResult) => void = () => undefined;
  let rejectResult: (error: Error) => void = () => undefined;
  const result = new Promise<UploadResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  const upload = new Upload(file, {
    endpoint: new URL(UPLOADS_ENDPOINT, window.location.origin).href,
    metadata: { filename: file.name, model: modelName },
    fingerprint: async () => ['slipway', modelName, file.name, file.size, file.lastModified].join(':'),
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS_MS,
    removeFingerprintOnSuccess: true,
    onShouldRetry: isWorthRetrying,
    onProgress: (loaded, total) => {
      // A resumed upload starts counting at the server's offset: the rate covers this session's bytes only.
      started ??= { at: performance.now(), bytes: loaded };
      const seconds = (performance.now() - started.at) / 1000;
      onProgress({ loaded, total, bytesPerSecond: seconds > 0 ? (loaded - started.bytes) / seconds : 0 });
    },
    onSuccess: ({ lastResponse }) => {
      try {
        resolveResult(parseResult(lastResponse.getBody()));
      } catch (error) {
        rejectResult(error as Error);
      }
    },
    onError: (error) => rejectResult(toUploadError(error)),
  });

  void upload
    .findPreviousUploads()
    .catch(() => []) // no localStorage (e.g. blocked): start afresh
    .then(([previous]) => {
      if (cancelled) return;
      if (previous) upload.resumeFromPreviousUpload(previous);
      upload.start();
    });

  return {
    result,
    /** `terminate`: delete the partial upload on the server; otherwise it stays resumable (until it expires). */
    stop: (terminate: boolean) => {
      cancelled = true;
      rejectResult(new UploadCancelled());
      // A failed DELETE leaves the partial upload to the server's expiry clean-up.
      upload.abort(terminate).catch(() => undefined);
    },
  };
}

export type UploadState =
  | { phase: 'idle' }
  | { phase: 'uploading'; progress: UploadProgress }
  | { phase: 'done'; progress: UploadProgress; result: UploadResult }
  | { phase: 'failed'; error: ApiError }
  | { phase: 'cancelled' };

/** One artifact upload at a time, with progress and cancel; leaving the page pauses it, resumable later. */
export function useUpload() {
  const [state, setState] = useState<UploadState>({ phase: 'idle' });
  const stopRef = useRef<((terminate: boolean) => void) | null>(null);

  useEffect(() => () => stopRef.current?.(false), []);

  const start = useCallback(async (modelName: string, file: File): Promise<UploadResult | null> => {
    let last: UploadProgress = { loaded: 0, total: file.size, bytesPerSecond: 0 };
    setState({ phase: 'uploading', progress: last });
    const upload = sendArtifact(modelName, file, (progress) => {
      last = progress;
      setState({ phase: 'uploading', progress });
    });
    stopRef.current = upload.stop;
    try {
      const result = await upload.result;
      setState({ phase: 'done', progress: { ...last, loaded: last.total }, result });
      return result;
    } catch (error) {
      if (error instanceof UploadCancelled) setState({ phase: 'cancelled' });
      else setState({ phase: 'failed', error: error instanceof ApiError ? error : new ApiError(0, 'upload_failed', String(error)) });
      return null;
    } finally {
      stopRef.current = null;
    }
  }, []);

  const cancel = useCallback(() => stopRef.current?.(true), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);

  return { state, start, cancel, reset };
}
