export * from './capture';
export * from './decisions';
export * from './feedback';
export * from './metrics';
export * from './prediction';
export * from './request-id';
