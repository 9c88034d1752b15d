/**
 * Searches captured bytes for canaries: as they are (UTF-8 and UTF-16LE), as hex (either case)
 * and as base64 / base64url at each of the three byte alignments a canary can start at inside a
 * longer encoded payload.
 */

export type CanaryHit = { canary: string; encoding: string; capture: string; offset: number };

/** A canary: text (searched as UTF-8 and UTF-16LE) or raw bytes such as a private key. */
export type Canary = string | Uint8Array;

function labelOf(canary: Canary): string {
  // A byte canary may be a secret: the label must not print it whole.
  return typeof canary === 'string' ? canary : `bytes:${Buffer.from(canary).toString('hex').slice(0, 8)}…(${canary.length})`;
}

/** The part of base64(prefix k bytes + canary) that depends on the canary alone, for k = 0, 1, 2. */
export function base64Cores(canary: Uint8Array): string[] {
  const cores: string[] = [];
  for (let k = 0; k < 3; k++) {
    const padded = new Uint8Array(k + canary.length + 2);
    padded.set(canary, k);
    const encoded = Buffer.from(padded).toString('base64');
    // Character j of the encoding carries bits [6j, 6j + 6): keep those wholly inside the canary's bits.
    const start = Math.ceil((8 * k) / 6);
    const end = Math.floor((8 * (k + canary.length)) / 6);
    cores.push(encoded.slice(start, end));
  }
  return cores;
}

/** Every encoded form searched for one canary, by name. */
export function canaryForms(canary: Canary): { encoding: string; needle: Buffer }[] {
  const bytes = typeof canary === 'string' ? new Uint8Array(Buffer.from(canary, 'utf8')) : canary;
  const hex = Buffer.from(bytes).toString('hex');
  const forms: { encoding: string; needle: Buffer }[] = [
    { encoding: 'raw', needle: Buffer.from(bytes) },
    ...(typeof canary === 'string' ? [{ encoding: 'utf16le', needle: Buffer.from(canary, 'utf16le') }] : []),
    { encoding: 'hex', needle: Buffer.from(hex) },
    { encoding: 'HEX', needle: Buffer.from(hex.toUpperCase()) },
  ];
  base64Cores(bytes).forEach((core, k) => {
    forms.push({ encoding: `base64@${k}`, needle: Buffer.from(core) });
    forms.push({ encoding: `base64url@${k}`, needle: Buffer.from(core.replace(/\+/g, '-').replace(/\//g, '_')) });
  });
  return forms;
}

/** Where any canary occurs in any capture, in any of its forms; empty when none leaked. */
export function findCanaries(captures: readonly { name: string; bytes: Uint8Array }[], canaries: readonly Canary[]): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const canary of canaries) {
    const size = typeof canary === 'string' ? Buffer.byteLength(canary) : canary.length;
    if (size < 6) throw new Error(`canary "${labelOf(canary)}" is too short to search for without false hits`);
    const forms = canaryForms(canary);
    for (const capture of captures) {
      const haystack = Buffer.from(capture.bytes.buffer, capture.bytes.byteOffset, capture.bytes.byteLength);
      for (const { encoding, needle } of forms) {
        const offset = haystack.indexOf(needle);
        if (offset >= 0) hits.push({ canary: labelOf(canary), encoding, capture: capture.name, offset });
      }
    }
  }
  return hits;
}

/** The forms a secp256k1 private key can take: its 32 bytes (raw, hex, base64) and its 0x-less hex text. */
export function privateKeyCanaries(privateKeyHex: string): Canary[] {
  const hex = privateKeyHex.replace(/^0x/, '').toLowerCase();
  return [new Uint8Array(Buffer.from(hex, 'hex')), hex];
}
