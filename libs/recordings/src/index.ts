export * from './repository';
export * from './view';
export * from './keys';
export * from './prompts-repository';
