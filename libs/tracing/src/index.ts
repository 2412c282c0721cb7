// Not instrumentations.ts: the service's own graph must not load the instrumentations (register.ts).
export * from './init';
