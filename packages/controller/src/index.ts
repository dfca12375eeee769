export * from './events';
export * from './revisions';
export * from './routing-publisher';
export * from './transitions';
export * from './secret-box';
export * from './graphs';
