'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { ACCEPTED_ARTIFACTS, isAcceptedArtifact, useUpload } from '@/lib/client/upload';
import { PageHeader } from '../page-header';
import { FormError } from '../states';
import { UploadProgress } from './upload-progress';

const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** "Iris Classifier v2.onnx" → "iris-classifier-v2" */
const slugFromFileName = (fileName: string) =>
  fileName
    .replace(/\.(onnx(\.gz)?|tar\.gz|tgz|zip)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

function validate(name: string, file: File | null): string | null {
  if (name.length < 2 || name.length > 63 || !NAME_PATTERN.test(name)) {
    return 'Model name: 2–63 lowercase letters, digits and dashes, starting and ending with a letter or digit.';
  }
  if (!file) return 'Choose the model file to upload.';
  if (!isAcceptedArtifact(file.name)) return `“${file.name}” is not a model artifact; upload ${ACCEPTED_ARTIFACTS.join(', ')}.`;
  return null;
}

/** How long the finished progress bar stays on screen before the model page opens. */
const SHOW_DONE_MS = 800;

export function NewModelView() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const upload = useUpload();
  const [name, setName] = useState('');
  const [nameTouched, setNameTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [creating, setCreating] = useState(false);

  const busy = creating || upload.state.phase === 'uploading' || upload.state.phase === 'done';

  useEffect(() => {
    if (upload.state.phase !== 'done') return;
    const timer = setTimeout(() => router.push(`/models/${name}`), SHOW_DONE_MS);
    return () => clearTimeout(timer);
  }, [upload.state.phase, router, name]);

  const chooseFile = (chosen: File | null) => {
    setFile(chosen);
    if (chosen && !nameTouched) setName(slugFromFileName(chosen.name));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = validate(name, file);
    if (problem) return setError(new Error(problem));
    setError(null);
    setCreating(true);
    try {
      await api.createModel({ name, description: description.trim() || undefined });
    } catch (caught) {
      // An existing model is fine: the file becomes its next version.
      if (!(caught instanceof ApiError && caught.code === 'conflict')) {
        setCreating(false);
        return setError(caught as Error);
      }
    }
    setCreating(false);
    const result = await upload.start(name, file!);
    if (result) await queryClient.invalidateQueries({ queryKey: queryKeys.models });
  };

  return (
    <>
      <PageHeader
        title="Upload a model"
        breadcrumb={<Link href="/models">Models</Link>}
        subtitle="Creates the model if it does not exist yet; the file becomes its next version."
      />
      <section className="card card-body">
        <form className="form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="model-file">Model file</label>
            <div className="file-drop">
              <input
                id="model-file"
                type="file"
                accept={ACCEPTED_ARTIFACTS.join(',')}
                disabled={busy}
                onChange={(e) => chooseFile(e.target.files?.[0] ?? null)}
                aria-describedby="model-file-hint"
              />
              <span id="model-file-hint" className="hint">
                ONNX ({ACCEPTED_ARTIFACTS.join(', ')}); an archive may add a slipway.yaml or be an MLflow model. Slipway reads the inputs and outputs from the
                model.
              </span>
            </div>
          </div>
          <div className="field">
            <label htmlFor="model-name">Model name</label>
            <input
              id="model-name"
              className="input mono"
              value={name}
              disabled={busy}
              autoComplete="off"
              spellCheck={false}
              aria-describedby="model-name-hint"
              onChange={(e) => {
                setNameTouched(true);
                setName(e.target.value.toLowerCase());
              }}
            />
            <span id="model-name-hint" className="hint">
              Lowercase letters, digits and dashes, e.g. <code>fraud-detector</code>. Used in URLs.
            </span>
          </div>
          <div className="field">
            <label htmlFor="model-description">Description (optional)</label>
            <input id="model-description" className="input" value={description} disabled={busy} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <FormError error={error} />
          <UploadProgress state={upload.state} onCancel={upload.cancel} />
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {creating ? 'Creating model…' : 'Upload'}
            </button>
            <Link className="btn btn-ghost" href="/models">
              Back to models
            </Link>
          </div>
        </form>
      </section>
    </>
  );
}
