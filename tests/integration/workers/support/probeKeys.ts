/** Keys the probe writes, per queue. */
export const probeKeys = (prefix: string, queue: string) => ({
  active: `${prefix}:probe:${queue}:active`,
  activeShared: `${prefix}:probe:${queue}:activeShared`,
  max: `${prefix}:probe:${queue}:max`,
  maxShared: `${prefix}:probe:${queue}:maxShared`,
  starts: `${prefix}:probe:${queue}:starts`,
});

