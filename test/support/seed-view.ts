/** The feature-store tutorial's view, with one feature of each type: what the seed-reader tests push and read. */
export const SEED_VIEW = {
  name: 'user_profile',
  entity: 'user',
  ttl_seconds: 3600,
  features: [
    { name: 'age', type: 'INT' },
    { name: 'lifetime_value', type: 'FLOAT' },
    { name: 'segment', type: 'STRING' },
    { name: 'active', type: 'BOOL' },
    { name: 'emb', type: 'VECTOR', length: 3 },
  ],
};
