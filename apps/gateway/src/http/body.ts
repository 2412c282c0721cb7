import express from 'express';

/** Small JSON bodies for control endpoints; bulk endpoints declare their own, larger, limits. */
export const smallJson = express.json({ limit: '256kb', strict: true });
