export const ARTIFACT_FORMATS = ['onnx', 'onnx.gz', 'tar.gz', 'zip'] as const;
export type ArtifactFormat = (typeof ARTIFACT_FORMATS)[number];

/** The artifact format from an uploaded file's name, or null when Slipway does not accept it. */
export function artifactFormatFromFilename(filename: string): ArtifactFormat | null {
  const name = filename.toLowerCase();
  if (name.endsWith('.onnx.gz')) return 'onnx.gz';
  if (name.endsWith('.tar.gz') || name.endsWith('.tgz')) return 'tar.gz';
  if (name.endsWith('.zip')) return 'zip';
  if (name.endsWith('.onnx')) return 'onnx';
  return null;
}
