import { parseDeliveryTarget, parseDicomNode } from '../../../sandbox/iep-simulator/main';

describe('IEP simulator CLI arguments', () => {
  it('reads AET@host:port and "Node name=AET@host:port" (node names may hold spaces)', () => {
    expect(parseDicomNode('UHLPACS@127.0.0.1:4242')).toEqual({ aet: 'UHLPACS', host: '127.0.0.1', port: 4242 });
    expect(parseDeliveryTarget('NUH Radiology PACS=NUHPACS@127.0.0.1:11112')).toEqual(['NUH Radiology PACS', { aet: 'NUHPACS', host: '127.0.0.1', port: 11112 }]);
  });

  it.each(['UHLPACS', 'UHLPACS@127.0.0.1', 'UHLPACS@127.0.0.1:99999', 'AN-AE-TITLE-TOO-LONG@h:1'])('refuses %s', (text) => {
    expect(() => parseDicomNode(text)).toThrow('is not AET@host:port');
  });

  it('refuses a delivery target without a node name', () => {
    expect(() => parseDeliveryTarget('=UHLPACS@127.0.0.1:4242')).toThrow();
    expect(() => parseDeliveryTarget('UHLPACS@127.0.0.1:4242')).toThrow();
  });
});
