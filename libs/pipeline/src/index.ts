export * from './worker-service';
export * from './status';
export * from './transcode-stage';
export * from './score-stage';
