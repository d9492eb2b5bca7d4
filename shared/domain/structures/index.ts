export * from './card';
export * from './directory';
export * from './membership';
export * from './structure';
export * from './technical-account';
export * from './user';
