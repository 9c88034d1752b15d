import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import solc from 'solc';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import registrySource from './datanet-registry.sol?raw';
import rewardsSource from './datanet-rewards.sol?raw';
import tokenSource from './open-token.sol?raw';

export type CompiledContract = { abi: readonly unknown[]; bytecode: string };
export type CompiledContracts = { OpenToken: CompiledContract; DatanetRewards: CompiledContract; DatanetRegistry: CompiledContract };

const require = createRequire(import.meta.url);

// solc-js ships without real types (every export is `any`); this is the slice the devnet uses.
type SolcImportResult = { contents: string } | { error: string };
type SolcCompile = (input: string, callbacks: { import: (path: string) => SolcImportResult }) => string;

const outputSchema = z.object({
  errors: z
    .array(z.object({ severity: z.string(), formattedMessage: z.string() }))
    .optional()
    .default([]),
  contracts: z
    .record(
      z.string(),
      z.record(z.string(), z.object({ abi: z.array(z.unknown()), evm: z.object({ bytecode: z.object({ object: z.string() }) }) })),
    )
    .optional()
    .default({}),
});

export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  // Pinned rather than solc's default so that the bytecode runs on any anvil hardfork since
  // Cancun, whatever later solc versions default to.
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const;

/** Only OpenZeppelin imports resolve, from node_modules; nothing is fetched. */
function resolveImport(path: string): SolcImportResult {
  if (!path.startsWith('@openzeppelin/contracts/')) return { error: `import not allowed: ${path}` };
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch (error) {
    return { error: `cannot read ${path}: ${String(error)}` };
  }
}

let cached: CompiledContracts | undefined;

/** Compiles the devnet's Solidity with solc-js (the sources are in this folder). */
export function compileContracts(): CompiledContracts {
  if (cached) return cached;
  const input = {
    language: 'Solidity',
    sources: {
      'open-token.sol': { content: tokenSource },
      'datanet-rewards.sol': { content: rewardsSource },
      'datanet-registry.sol': { content: registrySource },
    },
    settings: SOLC_SETTINGS,
  };
  const compile = solc.compile as SolcCompile;
  const output = outputSchema.parse(JSON.parse(compile(JSON.stringify(input), { import: resolveImport })));
  const errors = output.errors.filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new AppError('internal', `the devnet contracts do not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const pick = (file: string, name: string): CompiledContract => {
    const contract = output.contracts[file]?.[name];
    if (!contract) throw new AppError('internal', `solc produced no ${name}`);
    return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  };
  cached = {
    OpenToken: pick('open-token.sol', 'OpenToken'),
    DatanetRewards: pick('datanet-rewards.sol', 'DatanetRewards'),
    DatanetRegistry: pick('datanet-registry.sol', 'DatanetRegistry'),
  };
  return cached;
}

/** The solc version string, for the deployment record. */
export function solcVersion(): string {
  return String((solc as { version: () => string }).version());
}
