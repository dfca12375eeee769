export * from './sketch';
export * from './numeric';
export * from './categorical';
export * from './thresholds';
export * from './compare';
export * from './report';
export * from './reference-stats';
export * from './stored';
