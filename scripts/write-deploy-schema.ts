import { writeFileSync } from 'node:fs';
import { deploymentFileJsonSchema } from '@slipway/core';

/** Writes the JSON Schema of `slipway.deploy.yaml` (from its zod schema) for editors; a test checks it is current. */
const target = new URL('../packages/core/slipway.deploy.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(deploymentFileJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
