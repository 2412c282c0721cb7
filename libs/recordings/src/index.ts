export * from './repository';
export * from './view';
export * from './cursor';
export * from './keys';
export * from './prompts-repository';
