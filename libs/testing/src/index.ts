export * from './postgres';
export * from './redis';
export * from './wait';
export * from './processes';
export * from './postgres-server';
export * from './startup';
export * from './redis-server';
export * from './speech';
