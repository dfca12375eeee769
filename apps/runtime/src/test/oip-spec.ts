import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

// The KServe authors' spec (Apache-2.0), kept in the repository so tests run from a fresh clone.
const SPEC = fileURLToPath(new URL('../../../../specs/open_inference_rest.yaml', import.meta.url));

/** Validates bodies against the Open Inference Protocol's own OpenAPI document. */
export function oipValidator(): (schemaName: string, body: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(parse(readFileSync(SPEC, 'utf8')), 'oip');
  return (schemaName, body) => {
    const validate = ajv.getSchema(`oip#/components/schemas/${schemaName}`);
    if (!validate) throw new Error(`no schema ${schemaName} in the OIP spec`);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}
