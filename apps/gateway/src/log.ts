import { createLogger } from '@slipway/log';

/** The gateway's logger: readable lines under `npm start`, JSON with LOG_FORMAT=json. Never per request. */
export const log = createLogger({ process: 'gateway' });
