import { validateExportRequest, validationMessages as m } from '../../../domain/validation';
import { ctx, errorFor, exportForm } from './formFixtures';

describe('validateExportRequest', () => {
  it('accepts a complete form with the destination and site contact', () => {
    const result = validateExportRequest(exportForm({ additionalInstructions: '  Send to the MDT coordinator\u0000  ' }), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.kind).toBe('export');
    expect(result.value.destination).toEqual({
      organisation: 'Nottingham University Hospitals NHS Trust',
      contactName: 'Pat Receiver',
      contactPosition: 'PACS manager',
      contactPhone: '0115 496 0123',
      contactEmail: 'pacs.team@nhs.example',
    });
    expect(result.value.additionalInstructions).toBe('Send to the MDT coordinator');
  });

  it('requires every site contact field, each with its own message', () => {
    const result = validateExportRequest(
      exportForm({ siteContactName: '', siteContactPosition: '', siteContactPhone: '', siteContactEmail: '', destinationOrganisation: '' }),
      ctx,
    );
    expect(errorFor(result, 'siteContactName')).toBe(m.siteContactNameMissing);
    expect(errorFor(result, 'siteContactPosition')).toBe(m.siteContactPositionMissing);
    expect(errorFor(result, 'siteContactPhone')).toBe(m.siteContactPhoneInvalid);
    expect(errorFor(result, 'siteContactEmail')).toBe(m.siteContactEmailInvalid);
    expect(errorFor(result, 'destinationOrganisation')).toBe(m.organisationMissing('organisation the images go to'));
  });

  it('wants a full external phone number and a well-formed e-mail for the site contact', () => {
    expect(errorFor(validateExportRequest(exportForm({ siteContactPhone: 'ext 1234' }), ctx), 'siteContactPhone')).toBe(m.siteContactPhoneInvalid);
    expect(errorFor(validateExportRequest(exportForm({ siteContactPhone: '0115 496' }), ctx), 'siteContactPhone')).toBe(m.siteContactPhoneInvalid);
    expect(errorFor(validateExportRequest(exportForm({ siteContactEmail: 'pacs team@nhs' }), ctx), 'siteContactEmail')).toBe(m.siteContactEmailInvalid);
    for (const phone of ['+44 (0)115 496 0123'.replace('(0)', ''), '(0115) 496-0123', '+353 1 555 0123']) {
      expect(validateExportRequest(exportForm({ siteContactPhone: phone }), ctx).ok).toBe(true);
    }
  });

  it('wants the organisation in full, not an abbreviation', () => {
    expect(errorFor(validateExportRequest(exportForm({ destinationOrganisation: 'NUH' }), ctx), 'destinationOrganisation')).toBe(m.organisationInFull);
    expect(errorFor(validateExportRequest(exportForm({ destinationOrganisation: 'QMC' }), ctx), 'destinationOrganisation')).toBe(m.organisationInFull);
  });

  it('does not allow Batch on an export', () => {
    expect(errorFor(validateExportRequest(exportForm({ priority: 'batch' }), ctx), 'priority')).toBe(m.priorityMissing('Blue Light or Standard'));
  });

  it('applies the Blue Light, NHS number/address and "all imaging" rules as imports do', () => {
    expect(errorFor(validateExportRequest(exportForm({ priority: 'blueLight', priorityReason: 'research' }), ctx), 'priority')).toBe(m.blueLightWrongReason);
    expect(errorFor(validateExportRequest(exportForm({ nhsNumber: '' }), ctx), 'address')).toBe(m.addressNeededWithoutNhsNumber);
    expect(errorFor(validateExportRequest(exportForm({ 'exams[0].description': 'all scans' }), ctx), 'exams[0].description')).toBe(m.examBlanket);
  });
});
