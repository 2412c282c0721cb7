export * from './status';
export * from './transcode-stage';
export * from './score-stage';
export * from './housekeeping';
