export * from './rules';
export * from './evaluate';
export * from './webhook';
export * from './views';
