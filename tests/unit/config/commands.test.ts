import { normaliseCommandText, TEXT_COMMANDS } from '../../../bot/commands';
import { isAllowedTenant, tenantOf } from '../../../bot/tenant';

describe('normaliseCommandText', () => {
  it('strips Teams @mentions, folds spaces and case', () => {
    expect(normaliseCommandText('<at>Imaging Transfer Bot</at>   HELP ')).toBe('help');
    expect(normaliseCommandText(undefined)).toBe('');
  });
  it('routes help and its variants to the help command only', () => {
    for (const t of ['help', 'menu', 'hello', '?']) expect(TEXT_COMMANDS.find((c) => c.matches(t))?.name).toBe('help');
    expect(TEXT_COMMANDS.find((c) => c.matches('helpful'))).toBeUndefined();
  });
});

describe('tenant filter', () => {
  const ours = { channelData: { tenant: { id: 't-ours' } } };
  it('reads the tenant from channelData, else the conversation', () => {
    expect(tenantOf(ours)).toBe('t-ours');
    expect(tenantOf({ conversation: { tenantId: 't-conv' } } as never)).toBe('t-conv');
  });
  it('allows only the configured tenant, and anything when none is configured (sandbox)', () => {
    expect(isAllowedTenant(ours, 't-ours')).toBe(true);
    expect(isAllowedTenant({ channelData: { tenant: { id: 't-other' } } }, 't-ours')).toBe(false);
    expect(isAllowedTenant({}, 't-ours')).toBe(false);
    expect(isAllowedTenant({}, undefined)).toBe(true);
  });
});
