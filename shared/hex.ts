import { getAddress, isAddress, ZeroHash } from 'ethers';
import { z } from 'zod';

/**
 * Hex encodings used across the network contract. One spelling per value (lower-case hex,
 * EIP-55 checksummed addresses) so that canonical JSON, and therefore every hash taken over it,
 * has exactly one form.
 */
export const bytes32Schema = z.string().regex(/^0x[0-9a-f]{64}$/, 'must be 32 bytes as lower-case 0x-prefixed hex');

/** 32 bytes that are not all zero: the zero hash stands for "none" in EIP-712 messages. */
export const nonZeroBytes32Schema = bytes32Schema.refine((v) => v !== ZeroHash, 'must not be the zero hash');

export const hexBytesSchema = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex bytes');

/** A 65-byte ECDSA signature (r, s, v) as hex. */
export const signatureHexSchema = z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte signature as hex');

/** An address in its EIP-55 checksummed form. */
export const addressSchema = z.string().refine((v) => isAddress(v) && getAddress(v) === v, 'must be an EIP-55 checksummed address');

/** Any spelling of an address, normalised to its checksummed form. */
export const looseAddressSchema = z
  .string()
  .refine((v) => isAddress(v), 'must be an address')
  .transform((v) => getAddress(v));

/** A uint as the EAS SDK serialises it to JSON: a bigint, a decimal string or a safe integer. */
export const uintLikeSchema = z.union([z.bigint(), z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));

/** A wei amount or other uint256 carried as a decimal string (JSON has no bigint). */
export const decimalStringSchema = z.string().regex(/^\d+$/, 'must be a non-negative integer as a decimal string');
