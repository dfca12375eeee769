export * from './artifact-format';
export * from './histogram';
export * from './machines';
export * from './names';
export * from './rate-limit';
export * from './signature';
export * from './traffic';
export * from './tensor-validation';
