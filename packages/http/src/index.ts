export * from './bounded-body';
