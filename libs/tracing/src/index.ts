export * from './init';
export * from './spans';
