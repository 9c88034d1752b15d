/*
 * Differential privacy core (pure; no Node or DOM). The seeded generator is deliberately not
 * re-exported: tests import it from './seeded-random' by name, the app injects the CSPRNG from
 * electron/services/dp/csprng.ts.
 */
export * from './accountant';
export * from './column-config';
export * from './erfc';
export * from './mechanisms';
export * from './precise-log';
export * from './random';
export * from './samplers';
