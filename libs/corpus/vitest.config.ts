import { realServerSuite } from '../../vitest.shared';

// Real Postgres and an fs blob store.
export default realServerSuite({ include: ['test/**/*.test.ts'], testTimeout: 60_000 });
