export * from './config';
export * from './ingestor';
