import { parseAck } from '../../../integrations/ris/ack';
import { hl7Fixture } from './fixtures';

const ID = 'ITB0123456789ABCDEF0';

describe('parseAck', () => {
  it('reads an AA with its MSA-2 and the ACK control id', () => {
    expect(parseAck(hl7Fixture('ack-aa.hl7', ID))).toEqual({
      kind: 'ack', code: 'AA', acknowledgedControlId: ID, ackControlId: 'CRIS0000412',
      negative: { errorCode: undefined, errorLocation: undefined, peerText: undefined },
    });
  });

  it('reads a v2.4 AE: code from ERR-1.4 and location from ERR-1, text kept apart', () => {
    const ack = parseAck(hl7Fixture('ack-ae-v24.hl7', ID));
    expect(ack).toMatchObject({ kind: 'ack', code: 'AE', acknowledgedControlId: ID });
    if (ack.kind !== 'ack') throw new Error('expected an ack');
    expect(ack.negative.errorCode).toBe('204');
    expect(ack.negative.errorLocation).toBe('PID^1^3');
    expect(ack.negative.peerText).toContain('not registered on CRIS');
  });

  it('reads a v2.5 AE: code from ERR-3 and location from ERR-2', () => {
    const ack = parseAck(hl7Fixture('ack-ae-v25.hl7', ID));
    if (ack.kind !== 'ack') throw new Error('expected an ack');
    expect([ack.code, ack.negative.errorCode, ack.negative.errorLocation]).toEqual(['AE', '103', 'OBR^1^4']);
    expect(ack.negative.peerText).toContain('Exam code CCHAPC unknown');
  });

  it('reads an AR', () => {
    expect(parseAck(hl7Fixture('ack-ar.hl7', ID))).toMatchObject({ kind: 'ack', code: 'AR', acknowledgedControlId: ID });
  });

  it.each([
    ['not HL7 at all', 'HTTP/1.1 400 Bad Request', /does not start with an MSH/],
    ['no MSA segment', 'MSH|^~\\&|CRIS|UHL|ITB|UHL|20240306||ACK^O01|A1|P|2.4\rPID|1', /no MSA segment/],
    ['an empty MSA-1', 'MSH|^~\\&|CRIS|UHL|ITB|UHL|20240306||ACK^O01|A1|P|2.4\rMSA||X', /MSA-1 is empty/],
    ['a commit ACK (enhanced mode)', 'MSH|^~\\&|CRIS|UHL|ITB|UHL|20240306||ACK^O01|A1|P|2.4\rMSA|CA|X', /MSA-1 is "CA"/],
    ['two MSH segments', 'MSH|^~\\&|A|B|C|D|1||ACK|1|P|2.4\rMSH|^~\\&|A|B|C|D|1||ACK|2|P|2.4\rMSA|AA|X', /could not be parsed/],
  ])('calls %s malformed, in our own words', (_name, text, problem) => {
    const ack = parseAck(text);
    expect(ack.kind).toBe('malformed');
    if (ack.kind === 'malformed') expect(ack.problem).toMatch(problem);
  });

  it('never quotes a peer code that could be free text', () => {
    const ack = parseAck('MSH|^~\\&|CRIS|UHL|ITB|UHL|20240306||ACK^O01|A1|P|2.4\rMSA|AE|X|||TESTPATIENT Alice^x');
    if (ack.kind !== 'ack') throw new Error('expected an ack');
    expect(ack.negative.errorCode).toBeUndefined();
  });
});
