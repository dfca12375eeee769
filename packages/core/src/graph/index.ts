export * from './spec';
export * from './type-check';
export * from './aggregate';
