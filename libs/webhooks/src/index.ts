export * from './signing';
export * from './destination';
export * from './repository';
export * from './endpoints';
export * from './fanout';
export * from './delivery';
export { DeliveryTimeoutError } from './http-post';
