/**
 * Baseline (b): the "simple implementation" the issue describes — one INSERT per POST of one event,
 * no batching, no queue. Deliberately minimal, but not sabotaged: pooled connections, no validation
 * overhead, ON CONFLICT DO NOTHING so retries are as safe as in voicepulse.
 */
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_MAX ?? 10),
});
const app = express();
app.use(express.json({ limit: '64kb' }));

app.post('/events', async (req, res) => {
  const e = req.body;
  await pool.query(
    `insert into metric_events (event_id, user_id, session_id, device_id, talked_time_ms, microphone_used, speaker_used,
       voice_sentiment, voice_sentiment_label, recorded_at, timezone, platform, app_version, source, recording_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) on conflict do nothing`,
    [
      e.eventId,
      e.userId,
      e.sessionId,
      e.deviceId,
      e.talkedTimeMs,
      e.microphoneUsed,
      e.speakerUsed,
      e.voiceSentiment,
      e.voiceSentimentLabel,
      e.recordedAt,
      e.timezone,
      e.platform,
      e.appVersion,
      e.source,
      e.recordingId,
    ],
  );
  res.status(201).end();
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('naive server listening'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
