import { analyst, clinician, radiologist } from '../app/actors';
import { formValues } from '../app/forms';
import { submitRequest, type AcceptedRequest } from '../../../app';
import { cardOf, cardText, CHANNEL_ID, fixture, inputIds, inputValue, personal, startBotHarness, type BotHarness } from './botHarness';

describe('typed commands through the bot (TestAdapter, real Redis)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness('cmd');
  });
  afterAll(async () => {
    await h.close();
  });

  it('help: the help card; radiologists also get the trauma button', async () => {
    const { sent } = await h.send(personal(clinician, { text: 'help' }));
    expect(cardText(sent[0])).toContain('Request images (import)');
    expect(cardText(sent[0])).not.toContain('openTrauma');
    const r = await h.send(personal(radiologist, { text: 'Help' }));
    expect(cardText(r.sent[0])).toContain('openTrauma');
  });

  it('import, export and cd open their forms with the domain input ids', async () => {
    const imp = cardOf((await h.send(personal(clinician, { text: 'import' }))).sent[0]);
    expect(inputIds(imp)).toEqual(expect.arrayContaining(['sNumber', 'nhsNumber', 'familyName', 'birthDate', 'exams[0].date', 'sourceOrganisation', 'priority', 'requiredBy']));
    const exp = cardOf((await h.send(personal(clinician, { text: 'export' }))).sent[0]);
    expect(inputIds(exp)).toEqual(expect.arrayContaining(['destinationOrganisation', 'siteContactName', 'siteContactEmail']));
    const cd = cardOf((await h.send(personal(clinician, { text: 'cd' }))).sent[0]);
    expect(inputIds(cd)).toEqual(expect.arrayContaining(['cdCount', 'internalPostAddress', 'urgent']));
  });

  it('"request images from Kettering" opens the import form with the trust filled in by fuzzy match', async () => {
    const card = cardOf((await h.send(personal(clinician, { text: 'Request images from Ketering please' }))).sent[0]);
    expect(inputValue(card, 'sourceOrganisation')).toBe('Kettering General Hospital');
    const gosh = cardOf((await h.send(personal(clinician, { text: 'could you get the scans from great ormond st' }))).sent[0]);
    expect(inputValue(gosh, 'sourceOrganisation')).toBe('Great Ormond Street Hospital');
  });

  it('"send images to Nottingham" opens the export form with the organisation (not a site) filled in', async () => {
    const card = cardOf((await h.send(personal(clinician, { text: 'send images to Nottingham' }))).sent[0]);
    expect(inputValue(card, 'destinationOrganisation')).toBe('Nottingham University Hospitals');
    const none = cardOf((await h.send(personal(clinician, { text: 'send images to Atlantis General' }))).sent[0]);
    expect(inputIds(none)).toContain('destinationOrganisation');
    expect(inputValue(none, 'destinationOrganisation')).toBeFalsy();
  });

  it('trauma: step 1 for the on-call radiologist; anyone else is refused kindly, and it is audited', async () => {
    const ok = cardOf((await h.send(personal(radiologist, { text: 'trauma' }))).sent[0]);
    expect(inputIds(ok)).toEqual(['sNumber', 'nhsNumber', 'noNhsNumberReason']);
    const refused = await h.send(personal(clinician, { text: 'trauma' }));
    expect(cardText(refused.sent[0])).toMatch(/Sorry, you can't start a trauma transfer/);
    const denials = (await h.store.audit.readGlobal({ count: 500 })).filter((e) => e.event.type === 'access.denied');
    expect(denials.map((d) => d.event.actor)).toContainEqual(expect.objectContaining({ aadObjectId: clinician.aadObjectId }));
  });

  describe('with a request', () => {
    let req: AcceptedRequest;
    beforeAll(async () => {
      const out = await submitRequest(h.deps, clinician, 'import', formValues('personal-submit-import'), 'cmd-req');
      if (out.outcome !== 'accepted') throw new Error(JSON.stringify(out));
      req = out;
    });

    it('status <ref>: the status card for the requester (any case), refused for another clinician as if unknown', async () => {
      const mine = await h.send(personal(clinician, { text: `status ${req.callRef.toLowerCase()}` }));
      expect(cardText(mine.sent[0])).toContain(req.callRef);
      expect(cardText(mine.sent[0])).toContain('Waiting for approval');
      const bare = await h.send(personal(clinician, { text: req.callRef }));
      expect(cardText(bare.sent[0])).toContain(req.callRef);
      const theirs = await h.send(personal({ ...clinician, aadObjectId: '0d2608c6-80d4-4849-a17e-d64a7e2007f6', displayName: 'X' }, { text: `status ${req.callRef}` }));
      expect(theirs.sent[0]!.text).toMatch(/can't find/);
      const noRef = await h.send(personal(clinician, { text: 'status' }));
      expect(noRef.sent[0]!.text).toMatch(/Which request/);
    });

    it('my requests: own list for a requester; every open request for an analyst', async () => {
      const mine = await h.send(personal(clinician, { text: 'my requests' }));
      expect(cardText(mine.sent[0])).toContain(req.callRef);
      const theirs = await h.send(personal(analyst, { text: 'My Requests' }));
      expect(cardText(theirs.sent[0])).toContain(req.callRef);
    });

    it('cancel <ref>: the confirm-cancel card for the requester', async () => {
      const { sent } = await h.send(personal(clinician, { text: `cancel ${req.callRef}` }));
      expect(cardText(sent[0])).toContain(`Cancel ${req.callRef}?`);
      expect(cardText(sent[0])).toContain('confirmCancel');
      const other = await h.send(personal(analyst, { text: `cancel ${req.callRef}` }));
      expect(cardText(other.sent[0])).toMatch(/Sorry, you can't cancel this request/);
    });
  });

  it('tells the user when text is not a command, and never logs or echoes it', async () => {
    const { sent } = await h.send(personal(clinician, { text: 'please look at Mrs Quillfeather S1234567' }));
    expect(sent[0]!.text).toMatch(/didn't recognise/);
    expect(JSON.stringify(sent)).not.toContain('S1234567');
  });

  it('stores the personal chat reference of whoever writes, and the channel reference when the bot is added to the team', async () => {
    await h.send(personal(clinician, { text: 'help' }));
    expect(await h.store.conversations.getForUser(clinician.aadObjectId)).toMatchObject({ conversation: { id: `a:personal-${clinician.aadObjectId}` }, channelId: 'msteams' });
    await h.send(fixture('team-bot-installed'));
    expect(await h.store.conversations.getForChannel()).toMatchObject({ conversation: { id: CHANNEL_ID, conversationType: 'channel' } });
  });
});
