import { realServerSuite } from '../../vitest.shared';

// Real Postgres and Redis.
export default realServerSuite();
