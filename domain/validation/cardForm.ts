/** The values a card submits: input id to value (Action.Submit data, `verb` and all). */
export type CardForm = Readonly<Record<string, unknown>>;

/** One filled-in row of a repeated group (e.g. an exam), with the index the card gave it. */
export interface CardRow {
  index: number;
  values: Readonly<Record<string, unknown>>;
}

// Indices beyond this are not from our cards; ignoring them keeps a hostile payload from building a huge array.
const MAX_ROW_INDEX = 99;

/** The submission as a plain object, or undefined when it is not one. */
export function readCardForm(input: unknown): CardForm | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  return input as CardForm;
}

/** True for a value a person left empty. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * The non-blank rows of a repeated group. Cards cannot grow a list, so they submit fixed rows with flat ids
 * (`exams[0].date`, `exams[0].description`, ...); other callers may pass a real array (`exams: [{...}]`).
 * Rows left empty are skipped but the others keep their card index, so an error lands next to the right input.
 */
export function readRows(form: CardForm, list: string, fields: readonly string[]): CardRow[] {
  const rows = new Map<number, Record<string, unknown>>();
  const nested = form[list];
  if (Array.isArray(nested)) {
    nested.slice(0, MAX_ROW_INDEX + 1).forEach((row: unknown, index) => {
      if (row !== null && typeof row === 'object') rows.set(index, { ...(row as Record<string, unknown>) });
    });
  } else {
    const flat = new RegExp(`^${list}\\[(\\d{1,2})\\]\\.(\\w+)$`);
    for (const [key, value] of Object.entries(form)) {
      const m = flat.exec(key);
      if (!m) continue;
      const index = Number(m[1]);
      const row = rows.get(index) ?? {};
      row[m[2] as string] = value;
      rows.set(index, row);
    }
  }
  return [...rows.entries()]
    .filter(([, values]) => fields.some((f) => !isBlank(values[f])))
    .sort(([a], [b]) => a - b)
    .map(([index, values]) => ({ index, values }));
}
