import { importAgreement, importedSignatures, sukamara } from '../../../test/support/agreement-fixtures';
import { DEFAULT_REGION_POLICIES } from '../../regions/region-policies.port';
import { actingAgreementDecider } from './agreement.commands';

/** Kab. Luwu Timur lives on WITA (UTC+8): at 23:30 in Jakarta its day has already turned. */
const luwuTimur = '73.24';
const lateEveningInJakarta = '2026-01-10T16:30:00.000Z';

describe('the day an agreement step is decided on', () => {
  const decider = actingAgreementDecider(DEFAULT_REGION_POLICIES);
  const actor = { userId: 'bagian-kerja-sama@luwutimurkab.go.id', role: 'coordinator' as const, region: luwuTimur };

  it("is the proposer's own day for an agreement brought in, as for one proposed (the dry run decides the same way)", () => {
    const { context: _, ...command } = importAgreement({
      proposer: luwuTimur,
      counterparts: [sukamara],
      signatures: importedSignatures([luwuTimur, sukamara], '2024-02-05'),
    });
    const [imported] = decider.decide({ actor, command, occurredAt: lateEveningInJakarta }, decider.initialState);
    expect(imported).toMatchObject({ type: 'AgreementImported', data: { on: '2026-01-11' } });
  });
});
