import { Contract, ContractFactory, parseEther } from 'ethers';
import type { InterfaceAbi, JsonRpcProvider, TransactionReceipt, TransactionResponse } from 'ethers';
import { z } from 'zod';
import { NETWORK_SCHEMAS, SCHEMA_REVOCABLE, schemaUid } from '../shared/attestation-schemas';
import { AppError } from '../shared/errors';
import { addressSchema, bytes32Schema, decimalStringSchema } from '../shared/hex';
import { devnetWallet } from './accounts';
import { compileContracts, solcVersion } from './contracts/compile';
import { easArtifacts } from './eas-artifacts';

// 2: the Datanet registry joined the contracts (a version-1 record is redeployed afresh).
export const DEPLOYMENT_VERSION = 2;

export const deploymentSchema = z.object({
  version: z.literal(DEPLOYMENT_VERSION),
  chainId: z.number().int(),
  deployedAt: z.string(),
  solcVersion: z.string(),
  startBlock: z.number().int().nonnegative(),
  easVersion: z.string(),
  contracts: z.object({
    eas: addressSchema,
    schemaRegistry: addressSchema,
    token: addressSchema,
    rewards: addressSchema,
    datanetRegistry: addressSchema,
  }),
  schemas: z.object({ contribution: bytes32Schema, verdict: bytes32Schema }),
  accounts: z.object({ deployer: addressSchema, validator: addressSchema, faucet: addressSchema }),
  epochBudget: decimalStringSchema,
  /** Gas used by each deployment transaction, decimal. */
  gas: z.record(z.string(), decimalStringSchema),
});
export type Deployment = z.infer<typeof deploymentSchema>;

/** $OPEN minted at deployment, and how much of it seeds the rewards pool. */
export const INITIAL_SUPPLY = parseEther('1000000000');
export const REWARDS_POOL = parseEther('100000000');
export const DEFAULT_EPOCH_BUDGET = parseEther('1000');

async function mined(tx: Promise<TransactionResponse> | TransactionResponse): Promise<TransactionReceipt> {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw new AppError('internal', 'a devnet deployment transaction failed');
  return receipt;
}

async function deployContract(
  abi: InterfaceAbi,
  bytecode: string,
  args: unknown[],
  signer: ReturnType<typeof devnetWallet>,
): Promise<{ address: string; receipt: TransactionReceipt }> {
  const factory = new ContractFactory(abi, bytecode, signer);
  const contract = await factory.deploy(...args);
  const tx = contract.deploymentTransaction();
  if (!tx) throw new AppError('internal', 'no deployment transaction');
  const receipt = await mined(tx);
  return { address: await contract.getAddress(), receipt };
}

/**
 * Deploys SchemaRegistry and EAS from the published artifacts, registers the network's schemas,
 * and deploys $OPEN, the rewards contract and the Datanet registry compiled from this repository's
 * Solidity. The validator account owns the rewards contract (it pays epochs) and is the registry's
 * validator (it records accepted items); the deployer funds the rewards pool and administers the
 * registry (it may rotate the validator key).
 */
export async function deployNetwork(provider: JsonRpcProvider, chainId: number, epochBudget: bigint): Promise<Deployment> {
  const deployer = devnetWallet('deployer').connect(provider);
  const validator = devnetWallet('validator');
  const faucet = devnetWallet('faucet');
  const gas: Record<string, string> = {};
  const startBlock = (await provider.getBlockNumber()) + 1;

  const { eas: easArtifact, schemaRegistry: registryArtifact } = easArtifacts();
  const registry = await deployContract(registryArtifact.abi as InterfaceAbi, registryArtifact.bytecode, [], deployer);
  gas.schemaRegistry = registry.receipt.gasUsed.toString();
  const eas = await deployContract(easArtifact.abi as InterfaceAbi, easArtifact.bytecode, [registry.address], deployer);
  gas.eas = eas.receipt.gasUsed.toString();

  const registryContract = new Contract(registry.address, registryArtifact.abi as InterfaceAbi, deployer);
  const schemas: Record<string, string> = {};
  for (const [name, schema] of Object.entries(NETWORK_SCHEMAS)) {
    const receipt = await mined(
      registryContract.getFunction('register')(schema, '0x0000000000000000000000000000000000000000', SCHEMA_REVOCABLE),
    );
    gas[`register_${name}_schema`] = receipt.gasUsed.toString();
    schemas[name] = schemaUid(schema);
    const stored = (await registryContract.getFunction('getSchema')(schemas[name])) as { uid: string };
    if (stored.uid.toLowerCase() !== schemas[name]) throw new AppError('internal', `schema ${name} did not register`);
  }

  const compiled = compileContracts();
  const token = await deployContract(
    compiled.OpenToken.abi as InterfaceAbi,
    compiled.OpenToken.bytecode,
    [deployer.address, INITIAL_SUPPLY],
    deployer,
  );
  gas.token = token.receipt.gasUsed.toString();
  const rewards = await deployContract(
    compiled.DatanetRewards.abi as InterfaceAbi,
    compiled.DatanetRewards.bytecode,
    [token.address, epochBudget, validator.address],
    deployer,
  );
  gas.rewards = rewards.receipt.gasUsed.toString();
  const tokenContract = new Contract(token.address, compiled.OpenToken.abi as InterfaceAbi, deployer);
  gas.fund_rewards_pool = (await mined(tokenContract.getFunction('transfer')(rewards.address, REWARDS_POOL))).gasUsed.toString();
  const datanetRegistry = await deployContract(
    compiled.DatanetRegistry.abi as InterfaceAbi,
    compiled.DatanetRegistry.bytecode,
    [validator.address, deployer.address],
    deployer,
  );
  gas.datanetRegistry = datanetRegistry.receipt.gasUsed.toString();
  gas.total = Object.values(gas)
    .reduce((sum, g) => sum + BigInt(g), 0n)
    .toString();

  const easContract = new Contract(eas.address, easArtifact.abi as InterfaceAbi, provider);
  const easVersion = String(await easContract.getFunction('version')());

  return deploymentSchema.parse({
    version: DEPLOYMENT_VERSION,
    chainId,
    deployedAt: new Date().toISOString(),
    solcVersion: solcVersion(),
    startBlock,
    easVersion,
    contracts: {
      eas: eas.address,
      schemaRegistry: registry.address,
      token: token.address,
      rewards: rewards.address,
      datanetRegistry: datanetRegistry.address,
    },
    schemas,
    accounts: { deployer: deployer.address, validator: validator.address, faucet: faucet.address },
    epochBudget: epochBudget.toString(),
    gas,
  });
}

/** Whether a recorded deployment is still on the chain (its contracts have code). */
export async function isDeployed(provider: JsonRpcProvider, deployment: Deployment): Promise<boolean> {
  const codes = await Promise.all(Object.values(deployment.contracts).map((address) => provider.getCode(address)));
  return codes.every((code) => code !== '0x');
}
