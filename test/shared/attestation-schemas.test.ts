import { keccak256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  CONTRIBUTION_SCHEMA,
  datanetKey,
  decodeContributionData,
  decodeVerdictData,
  encodeContributionData,
  encodeVerdictData,
  schemaUid,
  VERDICT_SCHEMA,
} from '../../shared/attestation-schemas';
import { easSdk as sdk } from '../../electron/services/chain/eas-sdk';

const contribution = {
  datanetId: datanetKey('clinical-notes'),
  merkleRoot: keccak256(toUtf8Bytes('root')),
  manifestHash: keccak256(toUtf8Bytes('manifest')),
  fileCount: 20,
  totalBytes: 9_999_999,
};

describe('EAS schemas of the network', () => {
  it('computes schema UIDs as the SchemaRegistry does (eas-sdk README vector)', () => {
    expect(schemaUid('uint256 eventId, uint8 voteIndex')).toBe('0xb16fa048b0d597f5a821747eba64efa4762ee5143e9a80600d0005386edfc995');
  });

  it('encodes contribution data exactly as the EAS SDK SchemaEncoder does, and decodes it back', () => {
    const encoder = new sdk.SchemaEncoder(CONTRIBUTION_SCHEMA);
    const viaSdk = encoder.encodeData([
      { name: 'datanetId', type: 'bytes32', value: contribution.datanetId },
      { name: 'merkleRoot', type: 'bytes32', value: contribution.merkleRoot },
      { name: 'manifestHash', type: 'bytes32', value: contribution.manifestHash },
      { name: 'fileCount', type: 'uint32', value: contribution.fileCount },
      { name: 'totalBytes', type: 'uint64', value: contribution.totalBytes },
    ]);
    expect(encodeContributionData(contribution)).toBe(viaSdk);
    expect(decodeContributionData(viaSdk)).toEqual(contribution);
  });

  it('encodes verdict data as the SDK does', () => {
    const verdict = {
      accepted: false,
      score: 0,
      reasonCode: 'duplicate',
      manifestHash: contribution.manifestHash,
      contributionUid: keccak256('0x01'),
    };
    const viaSdk = new sdk.SchemaEncoder(VERDICT_SCHEMA).encodeData([
      { name: 'accepted', type: 'bool', value: verdict.accepted },
      { name: 'score', type: 'uint8', value: verdict.score },
      { name: 'reasonCode', type: 'string', value: verdict.reasonCode },
      { name: 'manifestHash', type: 'bytes32', value: verdict.manifestHash },
      { name: 'contributionUid', type: 'bytes32', value: verdict.contributionUid },
    ]);
    expect(encodeVerdictData(verdict)).toBe(viaSdk);
    expect(decodeVerdictData(viaSdk)).toEqual(verdict);
  });

  it('keys a Datanet by keccak256 of its id', () => {
    expect(datanetKey('clinical-notes')).toBe(keccak256(toUtf8Bytes('clinical-notes')));
    expect(() => decodeContributionData('0x1234')).toThrow();
  });
});
