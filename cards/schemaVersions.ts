/**
 * Which element and action types each Adaptive Card schema version added (adaptivecards.io/explorer, "Version" of each
 * type), so tests can check a card uses nothing newer than it declares. Teams renders up to 1.5; the trauma cards
 * declare 1.2 for older mobile clients (DESIGN "Teams limits").
 */
export const TYPES_ADDED_IN: Readonly<Record<string, readonly string[]>> = {
  '1.0': [
    'AdaptiveCard', 'TextBlock', 'Image', 'Container', 'ColumnSet', 'Column', 'FactSet', 'ImageSet',
    'Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet',
    'Action.OpenUrl', 'Action.Submit', 'Action.ShowCard',
  ],
  '1.1': ['Media'],
  '1.2': ['ActionSet', 'RichTextBlock', 'TextRun', 'Action.ToggleVisibility'],
  '1.3': [],
  '1.4': ['Action.Execute'],
  // Teams documents Data.Query type-ahead (Input.ChoiceSet "choices.data") on 1.5 cards.
  '1.5': ['Table', 'TableRow', 'TableCell', 'Data.Query'],
};

/** The versions in order. */
export const SCHEMA_VERSIONS = Object.keys(TYPES_ADDED_IN).sort((a, b) => Number(a) - Number(b));

/** Every type allowed in a card of this version. */
export function typesAllowedIn(version: string): Set<string> {
  const allowed = new Set<string>();
  for (const v of SCHEMA_VERSIONS) if (Number(v) <= Number(version)) for (const t of TYPES_ADDED_IN[v] ?? []) allowed.add(t);
  return allowed;
}

/** Every `type` in a card, recursively (body, items, columns, actions, ShowCard cards, selectAction, choices.data...). */
export function typesUsed(card: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const obj = node as Record<string, unknown>;
      if (typeof obj.type === 'string') found.add(obj.type);
      Object.values(obj).forEach(visit);
    }
  };
  visit(card);
  return found;
}

/** Types the card uses that its declared version does not have (empty when it is within its version). */
export function typesBeyondVersion(card: { version: string }): string[] {
  const allowed = typesAllowedIn(card.version);
  return [...typesUsed(card)].filter((t) => !allowed.has(t)).sort();
}
