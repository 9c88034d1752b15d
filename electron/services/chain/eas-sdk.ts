import { createRequire } from 'node:module';
import type * as EasSdk from '@ethereum-attestation-service/eas-sdk';

/**
 * The EAS SDK through its CommonJS build: its ESM build imports named exports from lodash, a
 * CommonJS module, which Node's ESM loader refuses ("Named export 'isEqual' not found"). The one
 * loader: the devnet validator and the tests import it from here too.
 */
export const easSdk = createRequire(import.meta.url)('@ethereum-attestation-service/eas-sdk') as typeof EasSdk;
