import { formatUnits, parseUnits } from 'ethers';
import type { WalletSettings } from '../../../shared/api/wallet';
import { AppError } from '../../../shared/errors';
import type { Policy } from '../../../shared/policy';

/** The caps a transaction is held to, in wei; null: no cap at that level. */
export type FeeCaps = { maxFeePerGasWei: bigint | null; maxTotalWeiPerSubmission: bigint | null };

const gweiToWei = (gwei: number): bigint => parseUnits(gwei.toFixed(9), 'gwei');

const tighter = (a: bigint | null, b: bigint | null): bigint | null => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * The tighter of the Datanet policy's caps and the user's own: a policy (which may come from
 * someone else's export) can only lower what the user allows, never raise it.
 */
export function effectiveFeeCaps(policy: Pick<Policy, 'fees'> | undefined, settings: WalletSettings): FeeCaps {
  const fees = policy?.fees;
  return {
    maxFeePerGasWei: tighter(
      fees?.maxFeePerGasGwei == null ? null : gweiToWei(fees.maxFeePerGasGwei),
      settings.maxFeePerGasGwei === null ? null : gweiToWei(settings.maxFeePerGasGwei),
    ),
    maxTotalWeiPerSubmission: tighter(
      fees?.maxTotalWeiPerSubmission == null ? null : BigInt(fees.maxTotalWeiPerSubmission),
      settings.maxTotalWeiPerSubmission === null ? null : BigInt(settings.maxTotalWeiPerSubmission),
    ),
  };
}

/** The most one submission's share of a transaction can cost: gasLimit × maxFeePerGas over the batch. */
export function maxCostPerSubmission(gasLimit: bigint, maxFeePerGas: bigint, submissions: number): bigint {
  const n = BigInt(Math.max(1, submissions));
  return (gasLimit * maxFeePerGas + n - 1n) / n;
}

const trim = (text: string): string => text.replace(/\.0$/, '');
export const formatGwei = (wei: bigint): string => `${trim(formatUnits(wei, 'gwei'))} gwei`;
export const formatEther = (wei: bigint): string => `${trim(formatUnits(wei, 'ether'))} ETH`;

/**
 * Refuses (`fee_cap_exceeded`) a transaction whose fees, as the RPC reports them, exceed a cap.
 * Runs before signing: a transaction over the cap is never signed, so it can never be broadcast.
 */
export function assertWithinFeeCaps(fee: { gasLimit: bigint; maxFeePerGas: bigint; submissions: number }, caps: FeeCaps): void {
  if (caps.maxFeePerGasWei !== null && fee.maxFeePerGas > caps.maxFeePerGasWei) {
    throw new AppError(
      'fee_cap_exceeded',
      `The network asks ${formatGwei(fee.maxFeePerGas)} per gas, above the cap of ${formatGwei(caps.maxFeePerGasWei)}: the attestation waits until fees drop (or raise the cap in the wallet settings).`,
      { maxFeePerGasWei: fee.maxFeePerGas.toString(), capWei: caps.maxFeePerGasWei.toString() },
    );
  }
  const perSubmission = maxCostPerSubmission(fee.gasLimit, fee.maxFeePerGas, fee.submissions);
  if (caps.maxTotalWeiPerSubmission !== null && perSubmission > caps.maxTotalWeiPerSubmission) {
    throw new AppError(
      'fee_cap_exceeded',
      `The attestation could cost up to ${formatEther(perSubmission)} per submission, above the cap of ${formatEther(caps.maxTotalWeiPerSubmission)}: it waits until fees drop (or raise the cap in the wallet settings).`,
      { maxTotalWei: perSubmission.toString(), capWei: caps.maxTotalWeiPerSubmission.toString() },
    );
  }
}
