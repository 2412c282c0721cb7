import { commonSchema, databaseSchema, envInt } from '@voicepulse/config';

/** The environment of the migration CLI (`migrate.mjs` in the gateway image). */
export const migrateConfigSchema = databaseSchema
  .extend(commonSchema.pick({ LOG_LEVEL: true }).shape)
  .extend({
    MIGRATE_WAIT_S: envInt(300, 0, 3_600).describe(
      'how long `migrate` waits for Postgres, and `migrate --wait` for the migrations, before giving up',
    ),
  });
