// Node 20 does not carry `--import tsx` loader hooks into worker threads: register them here,
// then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./inference-worker.ts');
