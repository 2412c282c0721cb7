export * from './worker-service';
