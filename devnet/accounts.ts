import { HDNodeWallet, Mnemonic } from 'ethers';

/**
 * anvil's default mnemonic. Its keys are published with every Foundry and Hardhat install, which
 * is why everything of the devnet binds 127.0.0.1 and nothing of it may reach a real network.
 */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

/** Which anvil account does what; separate accounts so that their transactions never race for a nonce. */
export const ACCOUNT_INDEX = { deployer: 0, validator: 1, faucet: 2 } as const;
export type DevnetRole = keyof typeof ACCOUNT_INDEX;

export function devnetWallet(role: DevnetRole): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(ANVIL_MNEMONIC), `m/44'/60'/0'/0/${ACCOUNT_INDEX[role]}`);
}
