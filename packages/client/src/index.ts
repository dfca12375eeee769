export * from './client';
export * from './errors';
export * from './rollout';
export * from './types';
export * from './log-stream';
