import { createRequire } from 'node:module';
import { z } from 'zod';

const require = createRequire(import.meta.url);

const artifactSchema = z.object({ abi: z.array(z.unknown()), bytecode: z.string().startsWith('0x') });
export type Artifact = z.infer<typeof artifactSchema>;

/** The EAS contracts' Hardhat artifacts as published in `@ethereum-attestation-service/eas-contracts`. */
function load(path: string): Artifact {
  return artifactSchema.parse(require(`@ethereum-attestation-service/eas-contracts/artifacts/contracts/${path}`));
}

let cache: { eas: Artifact; schemaRegistry: Artifact } | undefined;

export function easArtifacts(): { eas: Artifact; schemaRegistry: Artifact } {
  cache ??= { eas: load('EAS.sol/EAS.json'), schemaRegistry: load('SchemaRegistry.sol/SchemaRegistry.json') };
  return cache;
}
