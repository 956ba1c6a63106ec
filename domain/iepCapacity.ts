/**
 * guideline 2.3d: "UHL IEP has five outbound threads, one is assigned to blue light clinical emergency only and four
 * inbound threads". Workers size their global concurrency from these so we never queue more at IEP than it can run.
 */
export const IEP_THREADS = {
  outbound: 5,
  /** Of the outbound threads, kept free for Blue Light and clinical-emergency (trauma) transfers only. */
  outboundReservedForEmergency: 1,
  inbound: 4,
} as const;
