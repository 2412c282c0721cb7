export * from './repository';
export * from './view';
export * from './keys';
