// `npm run -s token -- --user alice`: the gateway owns token minting; this only applies the local
// default secret (the one `npm start` uses) before the gateway's config is parsed on import.
process.env.AUTH_JWT_SECRET ??= 'local-development-secret-change-me-0123456789';
await import('../apps/gateway/src/token');

export {};
