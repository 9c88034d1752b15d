/**
 * Human-readable ABI (ethers format) of the parts of the EAS contract (1.x) the app calls: the
 * contributor's on-chain attestations (`attest`, batched `multiAttest`), the `Attested` event
 * that carries each new UID, and `getAttestation` to read one back. Taken from EAS.sol in
 * `@ethereum-attestation-service/eas-contracts`; a test checks these fragments against its ABI.
 */
export const EAS_ABI = [
  'function version() view returns (string)',
  'function attest((bytes32 schema, (address recipient, uint64 expirationTime, bool revocable, bytes32 refUID, bytes data, uint256 value) data) request) payable returns (bytes32)',
  'function multiAttest((bytes32 schema, (address recipient, uint64 expirationTime, bool revocable, bytes32 refUID, bytes data, uint256 value)[] data)[] multiRequests) payable returns (bytes32[])',
  'function getAttestation(bytes32 uid) view returns ((bytes32 uid, bytes32 schema, uint64 time, uint64 expirationTime, uint64 revocationTime, bytes32 refUID, address recipient, address attester, bool revocable, bytes data))',
  'event Attested(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)',
] as const;
