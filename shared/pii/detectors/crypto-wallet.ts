import { sha256 } from '../sha256';
import type { IdRule } from './id-runs';

/** Bitcoin addresses: Base58Check (P2PKH/P2SH) and Bech32/Bech32m (BIP-173, BIP-350). */

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58Decode(s: string): Uint8Array | null {
  // Little-endian base-256 digits of the number; leading '1's stand for leading zero bytes.
  const bytes: number[] = [];
  for (const ch of s) {
    let carry = BASE58.indexOf(ch);
    if (carry < 0) return null;
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  let zeros = 0;
  while (zeros < s.length && s[zeros] === '1') zeros++;
  const out = new Uint8Array(zeros + bytes.length);
  for (let i = 0; i < bytes.length; i++) out[out.length - 1 - i] = bytes[i] ?? 0;
  return out;
}

/** Base58Check: the last four bytes are the first four of SHA-256(SHA-256(payload)). */
export function isValidBase58Check(address: string): boolean {
  const decoded = base58Decode(address);
  if (decoded === null || decoded.length < 5) return false;
  const payload = decoded.subarray(0, decoded.length - 4);
  const check = sha256(sha256(payload));
  for (let i = 0; i < 4; i++) if (check[i] !== decoded[decoded.length - 4 + i]) return false;
  return true;
}

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function bech32Polymod(values: readonly number[]): number {
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ (BECH32_GEN[i] ?? 0)) >>> 0;
  }
  return chk;
}

/** BIP-173/BIP-350: the polymod over hrp expansion and data is 1 (Bech32) or 0x2bc830a3 (Bech32m). */
export function isValidBech32(address: string): boolean {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false;
  const a = address.toLowerCase();
  const pos = a.lastIndexOf('1');
  if (pos < 1 || pos + 7 > a.length || a.length > 90) return false;
  const hrp = a.slice(0, pos);
  const data: number[] = [];
  for (const ch of a.slice(pos + 1)) {
    const v = BECH32_CHARSET.indexOf(ch);
    if (v < 0) return false;
    data.push(v);
  }
  const expanded = [...hrp]
    .map((c) => c.charCodeAt(0) >> 5)
    .concat(
      [0],
      [...hrp].map((c) => c.charCodeAt(0) & 31),
    );
  const pm = bech32Polymod(expanded.concat(data));
  return pm === 1 || pm === 0x2bc830a3;
}

export const cryptoWalletRule: IdRule = {
  detector: 'crypto-wallet',
  type: 'ACCOUNT',
  minLength: 26,
  maxLength: 90,
  maxGroups: 1,
  specificity: 4,
  context: ['wallet', 'btc', 'bitcoin', 'crypto', 'address'],
  contextBoost: 0.05,
  match(v) {
    // The run scanner upper-cases; Base58 is case-sensitive, so read the original characters.
    const raw = v.text.slice(v.start, v.end);
    if (/^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(raw) && isValidBase58Check(raw)) {
      return { confidence: 0.9, reason: 'Bitcoin address with a valid Base58Check checksum', scheme: 'btc-base58' };
    }
    if (/^bc1[02-9ac-hj-np-z]{8,87}$/i.test(raw) && isValidBech32(raw)) {
      return { confidence: 0.9, reason: 'Bitcoin address with a valid Bech32 checksum', scheme: 'btc-bech32' };
    }
    return null;
  },
};
