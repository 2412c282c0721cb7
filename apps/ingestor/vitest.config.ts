import { realServerSuite } from '../../vitest.shared';

// A real ingestor process against real Postgres/Redis: its SIGKILL test restarts it mid-batch.
export default realServerSuite({ testTimeout: 180_000 });
