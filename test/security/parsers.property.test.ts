/**
 * Property-based checks of the parsers and detectors that take outside input: whatever arrives,
 * each one answers or refuses with an AppError of a known code; it never throws anything else,
 * and what it accepts satisfies its invariants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../electron/services/library/csv-scan';
import { canonicalJson } from '../../shared/canonical-json';
import { isAppError } from '../../shared/errors';
import { buildManifest, checkManifestConsistency, manifestSchema } from '../../shared/manifest';
import { merkleProof, merkleRoot, verifyMerkleProof } from '../../shared/merkle';
import { networkProfileSchema } from '../../shared/network-profile';
import { detectAll } from '../../shared/pii/detect';
import { datanetExportSchema, defaultPolicy, policySchema } from '../../shared/policy';

const RUNS = { numRuns: 300 };

/** Runs `f`; a thrown error must be an AppError with one of `codes`. */
function answersOrRefuses(f: () => unknown, codes: readonly string[]): void {
  try {
    f();
  } catch (error) {
    if (!isAppError(error)) throw new Error(`threw a non-AppError: ${String(error)}`);
    expect(codes).toContain(error.code);
  }
}

const sha = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `0x${Buffer.from(b).toString('hex')}`);

/** Replaces one leaf of a JSON value by something arbitrary. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[(path[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...value };
  copy[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

const VALID_PROFILE = {
  name: 'p',
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545/',
  contracts: {
    eas: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    schemaRegistry: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    token: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
    rewards: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9',
  },
  schemas: { contribution: `0x${'11'.repeat(32)}`, verdict: `0x${'22'.repeat(32)}` },
  validatorUrl: 'http://127.0.0.1:8546/',
  signalingUrls: ['ws://127.0.0.1:8547/'],
};

describe('parsers and detectors on arbitrary input (fast-check)', () => {
  it('csv-scan reads any text or refuses it with malformed_csv / empty_file', () => {
    const csvish = fc.string({
      unit: fc.constantFrom(',', ';', '\t', '"', '\r', '\n', ' ', 'a', 'é', '😀', '\u0000', '\ufeff'),
      maxLength: 200,
    });
    fc.assert(
      fc.property(fc.oneof(csvish, fc.string({ maxLength: 200 })), (text) => {
        answersOrRefuses(() => {
          const table = readCsv(text, 5);
          expect(table.previewRows.length).toBeLessThanOrEqual(5);
        }, ['malformed_csv', 'empty_file']);
      }),
      RUNS,
    );
  });

  it('policy and Datanet-file parsing never throws, and an accepted policy has positive limits', () => {
    const valid = defaultPolicy();
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 4 }), fc.jsonValue(), fc.anything(), (path, leaf, anything) => {
        for (const candidate of [mutate(valid, path, leaf), anything]) {
          const parsed = policySchema.safeParse(candidate);
          if (parsed.success) {
            expect(parsed.data.quota.bytesPerDay).toBeGreaterThan(0);
            expect(parsed.data.quota.filesPerSubmission).toBeGreaterThan(0);
          }
          datanetExportSchema.safeParse(candidate);
        }
      }),
      RUNS,
    );
  });

  it('network profile parsing never throws; an accepted profile points only at http(s) and ws(s) URLs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.oneof(fc.jsonValue(), fc.webUrl(), fc.constant('file:///etc/passwd')),
        (path, leaf) => {
          const parsed = networkProfileSchema.safeParse(mutate(VALID_PROFILE, path, leaf));
          if (parsed.success) {
            expect([parsed.data.rpcUrl, parsed.data.validatorUrl].every((u) => /^https?:/.test(u))).toBe(true);
            expect(parsed.data.signalingUrls.every((u) => /^wss?:/.test(u))).toBe(true);
            expect(parsed.data.chainId).toBeGreaterThan(0);
          }
        },
      ),
      RUNS,
    );
  });

  it('canonical JSON round-trips any JSON value, ignores key order, and refuses the rest with invalid_input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        if (value && typeof value === 'object' && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse());
          expect(canonicalJson(reversed)).toBe(text);
        }
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true }), (value) => {
        answersOrRefuses(() => canonicalJson(value), ['invalid_input']);
      }),
      RUNS,
    );
  });

  it('PII detectors never throw and return spans inside the text that match their text', () => {
    const piiish = fc.string({
      unit: fc.constantFrom(
        'John',
        ' ',
        'Smith',
        '@',
        '.',
        'com',
        '0',
        '7',
        '-',
        '+44',
        'GB82 WEST',
        '12/03/1990',
        '\n',
        'é',
        '😀',
        'Dr.',
        'MRN',
        ':',
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(fc.oneof(piiish, fc.string({ maxLength: 300 })), (text) => {
        for (const d of detectAll(text)) {
          expect(d.start).toBeGreaterThanOrEqual(0);
          expect(d.end).toBeLessThanOrEqual(text.length);
          expect(d.start).toBeLessThan(d.end);
          expect(text.slice(d.start, d.end)).toBe(d.text);
          expect(d.confidence).toBeGreaterThanOrEqual(0);
          expect(d.confidence).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('Merkle proofs verify for every file of any manifest-sized list, and a changed file fails', () => {
    fc.assert(
      fc.property(fc.array(sha, { minLength: 1, maxLength: 40 }), fc.nat(), sha, (hashes, pick, other) => {
        const root = merkleRoot(hashes);
        const index = pick % hashes.length;
        const proof = merkleProof(hashes, index);
        expect(verifyMerkleProof(hashes[index] as string, proof, root)).toBe(true);
        if (!hashes.includes(other)) expect(verifyMerkleProof(other, proof, root)).toBe(false);
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 70 }), { minLength: 1, maxLength: 3 }), (junk) => {
        answersOrRefuses(() => merkleRoot(junk), ['invalid_input']);
      }),
      RUNS,
    );
  });

  it('a manifest built from any valid files is consistent, and manifest parsing never throws', () => {
    const file = fc.record({
      sha256: sha,
      bytes: fc.integer({ min: 1, max: 10_000_000 }),
      type: fc.constantFrom('txt', 'md', 'pdf', 'docx', 'csv', 'json', 'jsonl'),
      anonymisationReportHash: fc.option(
        sha.filter((h) => !/^0x0+$/.test(h)),
        { nil: null },
      ),
      dpParameters: fc.constant(null),
      embeddingModelId: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 20 }), (files) => {
        const manifest = buildManifest({
          datanetId: 'd1',
          contributor: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
          files,
          createdAt: '2026-01-02T03:04:05.000Z',
        });
        expect(manifestSchema.safeParse(manifest).success).toBe(true);
        expect(checkManifestConsistency(manifest)).toEqual([]);
      }),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        manifestSchema.safeParse(value);
      }),
      RUNS,
    );
  });
});
