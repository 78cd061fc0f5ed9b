import { randomUUID } from 'node:crypto';
import type { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '../core/command-processor';
import type { Actor } from '../core/event';
import { type AgreementCommandInput, ExecuteAgreementCommand } from '../agreements/application/agreement.commands';
import { agreementIdOfStream } from '../agreements/domain/agreement.decider';
import type { IsoDate } from '../agreements/domain/dates';

export const coordinator = (region: string): Actor => ({ userId: `koordinator.${region}`, role: 'coordinator', region });
export const dinasOfficer = (region: string, opd: string): Actor => ({
  userId: `${opd.toLowerCase().replace(/[^a-z]+/g, '-')}.${region}`,
  role: 'dinas-officer',
  region,
  opd,
});

/**
 * One seed story told through the real command path. Every step carries a deterministic idempotency key,
 * so loading the demo again replays the first results and writes nothing new.
 */
export class DemoStory {
  private agreementId = '';
  private step = 0;
  private written = 0;

  constructor(
    private readonly commandBus: CommandBus,
    readonly name: string,
  ) {}

  get id(): string {
    return this.agreementId;
  }

  get eventsWritten(): number {
    return this.written;
  }

  /** `agreementId`: a story that a register also lists names the id the register's row gives it. */
  async propose(
    by: Actor,
    on: IsoDate,
    data: Omit<Extract<AgreementCommandInput, { type: 'ProposeAgreement' }>['data'], 'agreementId'>,
    agreementId: string = randomUUID(),
  ) {
    const result = await this.run(by, on, agreementId, { type: 'ProposeAgreement', data: { agreementId: '', ...data } });
    this.agreementId = agreementIdOfStream(result.streamId);
  }

  /** Runs one step as `by`, on the given day (noon, Jakarta time). */
  async then(by: Actor, on: IsoDate, command: AgreementCommandInput, reason?: string): Promise<CommandResult> {
    return this.run(by, on, this.agreementId, command, reason);
  }

  private async run(by: Actor, on: IsoDate, agreementId: string, command: AgreementCommandInput, reason?: string) {
    const input =
      command.type === 'ProposeAgreement' ? { ...command, data: { ...command.data, agreementId } } : command;
    const commandId = randomUUID();
    const result = await this.commandBus.execute(
      new ExecuteAgreementCommand(agreementId, input, {
        actor: by,
        occurredAt: `${on}T12:00:00+07:00`,
        correlationId: `demo:${this.name}`,
        causationId: commandId,
        idempotencyKey: `demo:${this.name}:${++this.step}`,
        ...(reason ? { reason } : {}),
      }),
    );
    if (!result.replayed) this.written += result.events.length;
    return result;
  }
}
