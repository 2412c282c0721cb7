export * from './prompts-repository';
export * from './export';
