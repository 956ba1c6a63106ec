/** Helpers that walk a card's JSON, for the card tests. */

export type CardNode = Record<string, unknown>;

/** Every object in the card, depth first, with the array it sits in (for "what comes right after" checks). */
export function walk(node: unknown, visit: (obj: CardNode, siblings: unknown[] | undefined, index: number) => void): void {
  const go = (n: unknown, siblings: unknown[] | undefined, index: number): void => {
    if (Array.isArray(n)) n.forEach((c, i) => go(c, n, i));
    else if (n !== null && typeof n === 'object') {
      visit(n as CardNode, siblings, index);
      for (const v of Object.values(n)) go(v, undefined, -1);
    }
  };
  go(node, undefined, -1);
}

/** All objects with a `type` starting with the prefix ("Input.", "Action.", "TextBlock"). */
export function nodesOfType(card: unknown, prefix: string): CardNode[] {
  const out: CardNode[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith(prefix)) out.push(o);
  });
  return out;
}

/** Input ids in document order. */
export function inputIds(card: unknown): string[] {
  return nodesOfType(card, 'Input.').map((i) => String(i.id));
}

/** The input with this id. */
export function inputById(card: unknown, id: string): CardNode | undefined {
  return nodesOfType(card, 'Input.').find((i) => i.id === id);
}

/** The element right after the input with this id in its container, or undefined. */
export function elementAfterInput(card: unknown, id: string): CardNode | undefined {
  let found: CardNode | undefined;
  walk(card, (o, siblings, index) => {
    if (siblings && typeof o.type === 'string' && o.type.startsWith('Input.') && o.id === id) found = siblings[index + 1] as CardNode | undefined;
  });
  return found;
}

/** All Action.Submit data objects (card actions, ActionSets, ShowCard cards, selectActions). */
export function submitData(card: unknown): CardNode[] {
  return nodesOfType(card, 'Action.Submit').map((a) => a.data as CardNode);
}

/** The text of every TextBlock, in order. */
export function texts(card: unknown): string[] {
  return nodesOfType(card, 'TextBlock').map((t) => String(t.text));
}

/** Every FactSet value and title. */
export function factTexts(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (o) => {
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as CardNode[]) out.push(String(f.title), String(f.value));
  });
  return out;
}

/** The top-level action titles. */
export function actionTitles(card: { actions?: unknown[] }): string[] {
  return (card.actions ?? []).map((a) => String((a as CardNode).title));
}
