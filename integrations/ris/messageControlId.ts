import { createHash } from 'node:crypto';

/**
 * The HL7 message control id (MSH-10) for an exam: "ITB" + the first 17 hex digits of SHA-256(examId), 20 characters
 * (the ST length of MSH-10 in v2.4).
 *
 * Deterministic on purpose: a resend after AR, a timeout or a worker crash must carry the same MSH-10 so that CRIS (and
 * our sandbox) can recognise the duplicate instead of recording the exam twice (guideline 2.3f: one entry per exam).
 * Hashed rather than copied so any exam id fits, and so nothing about the patient could ever leak into it.
 */
export function messageControlIdFor(examId: string): string {
  return `ITB${createHash('sha256').update(examId, 'utf8').digest('hex').slice(0, 17).toUpperCase()}`;
}
