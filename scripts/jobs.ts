// `npm run jobs -- failed|retry|purge|counts [queue] [--id JOB] [--limit N] [--older-than-ms MS]`
// Failed jobs without reading logs: list them with their reasons, replay them, or drop them.
import { parseConfig, redisSchema } from '@voicepulse/config';
import { ALL_QUEUES, JobInspector, createRedis, parseQueueName, type QueueName } from '@voicepulse/queues';
import { parseArgs } from 'node:util';

const usage = `usage: npm run jobs -- <failed|retry|purge|counts> [queue] [--id JOB_ID] [--limit N] [--older-than-ms MS]
queues: ${ALL_QUEUES.join(', ')} (default: all; retry and purge need one)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    id: { type: 'string' },
    limit: { type: 'string', default: '50' },
    'older-than-ms': { type: 'string', default: '0' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command, queueArg] = positionals;
if (values.help || !command || !['failed', 'retry', 'purge', 'counts'].includes(command)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const config = parseConfig('jobs', redisSchema, process.env);
const redis = createRedis(config.REDIS_URL, 'producer');
const inspector = new JobInspector(redis, config.QUEUE_PREFIX);
let exitCode = 0;
try {
  const queues: QueueName[] = queueArg ? [parseQueueName(queueArg)] : ALL_QUEUES;
  if (command === 'counts') {
    console.table(await inspector.counts(queues));
  } else if (command === 'failed') {
    const jobs = await inspector.failed(queues, Number(values.limit));
    if (!jobs.length) console.log('no failed jobs');
    for (const j of jobs) {
      console.log(`${j.queue}\t${j.id}\tattempts=${j.attemptsMade}\t${j.failedAt ?? '-'}\tcorrelation=${j.correlationId ?? '-'}`);
      console.log(`\treason: ${j.reason}${j.where ? `\n\tat: ${j.where}` : ''}`);
    }
  } else {
    if (!queueArg) throw new Error(`${command} needs a queue name\n${usage}`);
    const queue = queues[0]!;
    if (command === 'retry') {
      const n = await inspector.retry(queue, values.id);
      console.log(`${queue}: ${n} failed job(s) moved back to waiting`);
      if (values.id && n === 0) exitCode = 1;
    } else {
      console.log(`${queue}: ${await inspector.purge(queue, Number(values['older-than-ms']))} failed job(s) removed`);
    }
  }
} catch (err) {
  console.error((err as Error).message);
  exitCode = 1;
} finally {
  await inspector.close();
  redis.disconnect();
}
process.exit(exitCode);
