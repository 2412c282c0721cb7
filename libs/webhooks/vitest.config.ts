import { realServerSuite } from '../../vitest.shared';

// Real Postgres, Redis and a loopback receiver.
export default realServerSuite();
