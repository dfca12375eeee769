import { ArtifactError } from './errors';
import type { ArtifactFile } from './staging-dir';

/** The model to load: the one slipway.yaml names, else the one MLmodel names, else the artifact's only .onnx file. */
export function selectModel(files: readonly ArtifactFile[], declared: { manifest: string | null; mlflow: string | null }): string {
  const chosen = declared.manifest ?? declared.mlflow;
  if (chosen !== null) return chosen;
  const candidates = files.filter((f) => f.path.toLowerCase().endsWith('.onnx')).map((f) => f.path);
  const [first, ...others] = candidates;
  if (first !== undefined && others.length === 0) return first;
  if (first === undefined) {
    throw new ArtifactError('no_model', 'The artifact contains no .onnx file; Slipway serves ONNX models.');
  }
  throw new ArtifactError(
    'ambiguous_model',
    `The artifact contains several .onnx files (${candidates.join(', ')}); name the one to serve with 'model:' in slipway.yaml.`,
  );
}
