// The services as a library, for benchmarks and scripted checks that run the built code.
export { createServices, type Services, type ServiceOptions } from './wiring';
export { applyDpToRows } from '../../shared/dp/column-config';
export { createCsprngRandomSource } from './dp/csprng';
export { openDatabase } from './db/database';
export { RewardsIndexer } from './rewards/rewards-indexer';
export { detectAll } from '../../shared/pii/detect';
export { applyOperators } from '../../shared/pii/operators';
