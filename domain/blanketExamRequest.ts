/**
 * Appendix 2: "It is essential to state each examination and date of scan required. Stating 'All imaging' will not be
 * accepted." 2.5a adds that sending trusts decline "'all studies'" as clinically inappropriate. These patterns catch the
 * ways people write a blanket request instead of naming the exam.
 */
const BLANKET_PATTERNS: readonly RegExp[] = [
  /\b(all|any|every)\s+(of\s+(the|their|his|her)\s+)?(available\s+|previous\s+|prior\s+|relevant\s+|recent\s+|old\s+)?(imaging|images?|studies|study|scans?|exams?|examinations?|investigations?|radiology|x-?rays?|films?)\b/,
  /\beverything\b/,
  /\b(whole|entire|full|complete)\s+(imaging\s+|radiology\s+)?(history|record|archive)\b/,
  /^\s*(all|any|everything|all available|as many as possible)\s*$/,
];

/** True when an exam description asks for everything rather than one named examination. */
export function isBlanketExamRequest(description: string): boolean {
  const text = description.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, ' ');
  return BLANKET_PATTERNS.some((pattern) => pattern.test(text));
}
