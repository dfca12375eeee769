export * from './graph';
export * from './models';
export * from './iris';
