import { createLogger } from '@slipway/log';

/** The control plane's logger: readable lines under `npm start`, JSON with LOG_FORMAT=json. */
export const log = createLogger({ process: 'web' });
