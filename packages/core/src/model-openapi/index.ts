export * from './compatibility';
export * from './document';
export * from './documented-errors';
export * from './example';
