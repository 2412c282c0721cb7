import { loadConfigOrExit } from '@voicepulse/config';
import { runWorkerService } from '@voicepulse/worker';
import { createIngestor } from './ingestor';
import { ingestorService } from './manifest';

const config = loadConfigOrExit(ingestorService.name, ingestorService.config);

await runWorkerService(ingestorService, config, async (ctx) => createIngestor(ctx));
