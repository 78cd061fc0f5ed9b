import { activeKsb, amend, amended, banten, draftPks, pksDrafted } from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';

const { given } = specFor(agreementDecider);
const addendumAdding = (changes: { addedFields?: string[]; scope?: string }) => ({ ...amend(), data: { ...amend().data, ...changes } });
const amendedAdding = (changes: { addedFields?: string[]; scope?: string }) => ({ ...amended(1), data: { ...amended(1).data, ...changes } });

describe('an addendum of an active KSB', () => {
  it('may add fields of cooperation (urusan), signed again by every party', () =>
    given(...activeKsb).when(addendumAdding({ addedFields: ['pariwisata'] })).then(amendedAdding({ addedFields: ['pariwisata'] })));

  it('opens the new urusan to a PKS', () =>
    given(...activeKsb, amendedAdding({ addedFields: ['pariwisata'] }))
      .when(draftPks({ field: 'pariwisata' }))
      .then(pksDrafted({ field: 'pariwisata' })));

  it('leaves a PKS in an urusan the KSB never had refused', () =>
    given(...activeKsb).when(draftPks({ field: 'pariwisata' })).thenThrows(Err.FieldNotInAgreement));

  it('refuses to add an urusan the KSB already has', () =>
    given(...activeKsb).when(addendumAdding({ addedFields: ['kesehatan'] })).thenThrows(Err.FieldAlreadyInAgreement));

  it('may word the scope anew', () =>
    given(...activeKsb, amendedAdding({ scope: 'Pelayanan kesehatan dan pariwisata' })).thenState({ scope: 'Pelayanan kesehatan dan pariwisata' }));

  it('refuses an empty scope', () => given(...activeKsb).when(addendumAdding({ scope: ' ' })).thenThrows(Err.ReasonRequired));

  it('keeps its fields when it adds none', () => given(...activeKsb).when(amend([banten, '17'])).thenState({ fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'] }));
});
