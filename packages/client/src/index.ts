export * from './client';
export * from './rollout';
export * from './types';
