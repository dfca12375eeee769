/**
 * Validates an object against the Kubernetes OpenAPI schema of its apiVersion and kind, offline (kubernetes-models).
 * Throws with the field errors; a kind the library does not know is an error too.
 */
export async function validateKubernetesObject(object: { apiVersion?: string; kind?: string }): Promise<void> {
  const [group, version] = object.apiVersion?.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const module = (await import(/* @vite-ignore */ `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`)) as Record<
    string,
    new (
      data: unknown,
    ) => { validate(): void }
  >;
  const Model = module[object.kind!];
  if (!Model) throw new Error(`kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${(object as { metadata?: { name?: string } }).metadata?.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
