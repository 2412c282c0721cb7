import type { WebhookCreate } from '@voicepulse/contracts';
import { webhookCreateSchema } from '@voicepulse/contracts';
import { checkDestination, type DestinationPolicy } from './destination';
import { toWebhookEndpoint, type WebhookEndpointsRepository } from './repository';
import { generateWebhookSecret } from './signing';

/**
 * Registration: validate, refuse a destination the server must not fetch (so the user learns at
 * once, not from failed deliveries), generate the secret and show it this once.
 */
export async function registerWebhook(
  repo: WebhookEndpointsRepository,
  policy: DestinationPolicy,
  userId: string,
  input: WebhookCreate,
) {
  const body = webhookCreateSchema.parse(input);
  await checkDestination(body.url, policy);
  const secret = generateWebhookSecret();
  const row = await repo.create({ userId, url: body.url, events: body.events, secret, authHeader: body.authHeader });
  return { ...toWebhookEndpoint(row), secret };
}
