import { isEmail } from 'class-validator';
import { InvalidInput } from '../core/domain-error';
import type { OutboundTargets } from '../outbound/outbound-targets';

export class InvalidEmailAddress extends InvalidInput {
  constructor(email: string) {
    super(`email "${email}" is not an e-mail address: write one such as dinkes@bengkuluprov.go.id`, 'email');
  }
}

/** A webhook that would reach the server itself or the networks behind it (see `OutboundTargets`). */
export class WebhookTargetRefused extends InvalidInput {
  constructor(problem: string) {
    super(`webhookUrl is refused: ${problem}; receivers inside the network must be named in SINERGI_WEBHOOK_ALLOW`, 'webhookUrl');
  }
}

/**
 * The checks on where a contact is reached, run whenever a contact is saved: an e-mail address that is one, and a
 * webhook URL that leads to a public receiver (or one the deployment allows). Throws the first problem found.
 */
export async function checkContactAddresses(contact: { email?: string; webhookUrl?: string }, targets: OutboundTargets): Promise<void> {
  if (contact.email !== undefined && !isEmail(contact.email, { allow_display_name: false, allow_ip_domain: false, require_tld: true })) {
    throw new InvalidEmailAddress(contact.email);
  }
  if (contact.webhookUrl !== undefined) {
    const problem = await targets.problemWith(contact.webhookUrl);
    if (problem) throw new WebhookTargetRefused(problem);
  }
}
