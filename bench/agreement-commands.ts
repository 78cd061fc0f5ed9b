// The command workload the write and store benchmarks share: active KSB between Banten and Bengkulu, then
// one-event commands (RecordMonev) on them.
import { createHash, randomUUID } from 'node:crypto';
import type { AgreementCommandInput } from '../src/agreements/application/agreement.commands';
import { ExecuteAgreementCommand } from '../src/agreements/application/agreement.commands';
import type { CommandContext, CommandResult } from '../src/core/command-processor';
import type { Actor } from '../src/core/event';
import { coordinator } from '../src/demo/demo-story';

export const banten = coordinator('36');
const bengkulu = coordinator('17');

export const monevData = (n: number) => ({
  party: '36',
  date: '2026-01-10',
  rating: 4,
  recommendation: 'continue' as const,
  note: `Monitoring dan evaluasi semester I, kunjungan ${n}: layanan rujukan berjalan sesuai rencana`,
});

/** Sends agreement commands through `send`: the CommandBus, or the command handler itself. */
export class Commands {
  private sent = 0;

  constructor(private readonly send: (command: ExecuteAgreementCommand) => Promise<CommandResult>) {}

  execute(agreementId: string, by: Actor, occurredAt: string, command: AgreementCommandInput): Promise<CommandResult> {
    const commandId = randomUUID();
    const context: CommandContext = { actor: by, occurredAt, correlationId: commandId, causationId: commandId };
    this.sent++;
    return this.send(new ExecuteAgreementCommand(agreementId, command, context));
  }

  recordMonev(agreementId: string): Promise<CommandResult> {
    return this.execute(agreementId, banten, '2026-01-10T10:00:00+07:00', { type: 'RecordMonev', data: monevData(this.sent) });
  }

  /** Propose, accept, revise, approve twice, sign twice: an active KSB between Banten and Bengkulu. */
  async activeAgreement(): Promise<string> {
    const id = randomUUID();
    const on = (day: string): string => `${day}T12:00:00+07:00`;
    const sign = (party: string, name: string, position: string): AgreementCommandInput => ({
      type: 'SignAgreement',
      data: { party, signatory: { name, position }, documentNumber: `100.3.7/${party}-KSB/2025`, date: '2025-10-24', place: 'Serang' },
    });
    await this.execute(id, banten, on('2025-09-15'), {
      type: 'ProposeAgreement',
      data: {
        agreementId: id,
        proposer: '36',
        counterparts: ['17'],
        title: 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
        fields: ['potensi-daerah', 'kesehatan'],
        scope: 'Pengembangan potensi daerah dan peningkatan pelayanan publik, diawali dengan layanan kesehatan.',
        kind: 'voluntary',
        offerLetter: { number: '000.5/1234-Pem/2025', date: '2025-09-15' },
        termMonths: 60,
      },
    });
    await this.execute(id, bengkulu, on('2025-09-29'), { type: 'AcceptOffer', data: { party: '17' } });
    const documentSha256 = createHash('sha256').update(id).digest('hex');
    await this.execute(id, banten, on('2025-10-06'), { type: 'ReviseDraft', data: { documentSha256, summary: 'Draf pertama' } });
    await this.execute(id, banten, on('2025-10-13'), { type: 'ApproveDraft', data: { party: '36', version: 1 } });
    await this.execute(id, bengkulu, on('2025-10-14'), { type: 'ApproveDraft', data: { party: '17', version: 1 } });
    await this.execute(id, banten, on('2025-10-24'), sign('36', 'Andra Soni', 'Gubernur Banten'));
    await this.execute(id, bengkulu, on('2025-10-24'), sign('17', 'Helmi Hasan', 'Gubernur Bengkulu'));
    return id;
  }
}
