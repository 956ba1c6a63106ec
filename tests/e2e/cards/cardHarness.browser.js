/* Runs in the test page, after adaptivecards.min.js. Plain JS: the project's tsconfig has no DOM types. */
(function () {
  const AC = window.AdaptiveCards;
  // Markdown stand-in: consume backslash escapes, HTML-escape the rest (see cardHarness.ts for why).
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    const html = text.replace(/\\(.)/g, '$1').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');
    result.outputHtml = '<p>' + html + '</p>';
    result.didProcess = true;
  };
  window.__executed = [];

  window.__render = function (payload, hostConfig) {
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(hostConfig);
    const context = new AC.SerializationContext();
    card.parse(payload, context);
    const parseEvents = [];
    for (let i = 0; i < context.eventCount; i++) parseEvents.push(String(context.getEventAt(i).message));
    const validationEvents = card.validateProperties().validationEvents.map(function (e) { return e.message; });
    // A 1.2 parse lists the properties an old client would not know (the trauma cards' labels and checks are 1.3).
    const beyond12 = [];
    if (payload.version === '1.2') {
      const ctx12 = new AC.SerializationContext(AC.Versions.v1_2);
      new AC.AdaptiveCard().parse(payload, ctx12);
      for (let i = 0; i < ctx12.eventCount; i++) beyond12.push(String(ctx12.getEventAt(i).message));
    }
    window.__executed = [];
    card.onExecuteAction = function (action) {
      window.__executed.push({ type: action.getJsonTypeName(), title: action.title || '', data: action.data || {} });
    };
    const host = document.getElementById('card');
    host.innerHTML = '';
    host.appendChild(card.render());
    window.__card = card;
    const inputs = card.getAllInputs(true).map(function (input) {
      const el = document.getElementById(input.id);
      // The element that carries the label link: the control itself, or (filtered choice sets) its container.
      const labelled = el ? el.querySelector('[aria-labelledby]') : null;
      const ids = ((labelled && labelled.getAttribute('aria-labelledby')) || '').split(' ').filter(Boolean);
      const label = ids.map(function (id) { const l = document.getElementById(id); return l ? l.textContent : ''; }).join(' ').trim();
      return { id: input.id, visible: !!el && el.offsetParent !== null, label: label };
    });
    return { parseEvents: parseEvents, validationEvents: validationEvents, inputs: inputs, beyond12: beyond12 };
  };

  /** The rendered HTML of the card's text (TextBlocks and facts), for markup checks. */
  window.__cardHtml = function () { return document.getElementById('card').innerHTML; };
  /** Visible rows: ids of Containers that are shown. */
  window.__visible = function (id) { const el = document.getElementById(id); return !!el && el.offsetParent !== null; };
})();
