/**
 * Loaded ahead of a service's own modules, so the instrumentations see every package it imports
 * (instrumentations.ts says why that cannot happen from inside the service's import graph):
 * the bundles' main.mjs loads it first (scripts/build-app.mjs); under tsx,
 * `tsx --import ./libs/tracing/src/register.ts apps/<app>/src/main.ts`.
 * The instrumentations are imported only when tracing is configured: loading them takes ~0.5 s
 * and ~17 MB here, which an untraced service does not pay.
 */
import { tracingRequested } from './init';

if (tracingRequested(process.env)) await (await import('./instrumentations')).installInstrumentations();
