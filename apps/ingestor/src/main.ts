import { loadConfigOrExit } from '@voicepulse/config';
import { runWorkerService } from '@voicepulse/worker';
import { ingestorConfigSchema } from './config';
import { createIngestor } from './ingestor';

const config = loadConfigOrExit('ingestor', ingestorConfigSchema);

await runWorkerService('ingestor', config, async (ctx) => createIngestor(ctx));
