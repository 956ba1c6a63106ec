import { startBot } from '../../../bot/app';
import { ConnectorStub } from '../../support/connectorStub';
import { teamsActivity, postActivity } from '../../support/activities';
import { testConfig } from '../../support/config';
import { capturingLogger } from '../../support/logCapture';
import { uniquePrefix } from '../../support/services';

// A synthetic canary patient: distinctive values that must never reach a log line.
const CANARY = { name: 'Zebedee Quillfeather-Canary', dob: '1931-02-29'.replace('29', '28'), nhs: '9990000026' };

describe('patient-data canary through the bot', () => {
  it('logs none of the canary name, date of birth or NHS number, whatever the activity carries', async () => {
    const connector = new ConnectorStub();
    const serviceUrl = await connector.start();
    const log = capturingLogger('trace');
    const bot = await startBot(testConfig({ REDIS_PREFIX: uniquePrefix('canary'), LOG_LEVEL: 'trace' }), log.logger, { port: 0 });
    try {
      const carrying = [
        { id: 'c1', text: `import for ${CANARY.name} born ${CANARY.dob} NHS ${CANARY.nhs}` },
        { id: 'c2', text: 'help', value: { verb: 'submitImport', patientName: CANARY.name, birthDate: CANARY.dob, nhsNumber: CANARY.nhs } },
        { id: 'c3', text: CANARY.nhs },
      ];
      for (const extra of carrying) await postActivity(bot.url, teamsActivity('personal-message-help', { serviceUrl, ...extra }));
      await connector.waitFor(3);
      // Also through the logger's own redaction, for a careless structured log call.
      log.logger.info({ patient: { familyName: CANARY.name }, nhsNumber: CANARY.nhs, birthDate: CANARY.dob }, 'careless');
    } finally {
      await bot.close();
      await connector.stop();
    }
    const out = log.output();
    expect(out.length).toBeGreaterThan(500); // the bot did log its requests
    expect(out).toContain('POST /api/messages');
    for (const secret of [CANARY.name, 'Quillfeather', CANARY.dob, CANARY.nhs]) expect(out).not.toContain(secret);
  });
});

describe('logger redaction', () => {
  it('keeps its own logger name but redacts nested names', () => {
    const log = capturingLogger('info');
    log.logger.info({ requester: { name: CANARY.name } }, 'nested');
    const line = JSON.parse(log.output().trim().split('\n').pop()!) as { name: string; requester: { name: string } };
    expect(line.name).toBe('itb');
    expect(line.requester.name).toBe('[redacted]');
  });
});
