/**
 * Human-readable ABIs (ethers format) of the network's $OPEN token and rewards contract: the
 * parts the app, the indexer and the devnet call or read. The Solidity lives in
 * `devnet/contracts/`; a devnet test checks that these fragments match the compiled ABI.
 */
export const OPEN_TOKEN_ABI = [
  'function name() view returns (string)',
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
  'function transfer(address to, uint256 value) returns (bool)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
] as const;

export const REWARDS_ABI = [
  'function token() view returns (address)',
  'function epochBudget() view returns (uint256)',
  'function lastEpoch() view returns (uint64)',
  'function earned(address contributor) view returns (uint256)',
  'function payEpoch(uint64 epoch, (bytes32 datanet, address contributor, bytes32 contentHash, uint256 score)[] items) returns (uint256 totalPaid)',
  'event FileRewarded(uint64 indexed epoch, bytes32 indexed datanet, address indexed contributor, bytes32 contentHash, uint256 score, uint256 amount)',
  'event EpochPaid(uint64 indexed epoch, uint256 budget, uint256 totalScore, uint256 totalPaid, uint256 fileCount)',
] as const;

/** $OPEN has 18 decimals, like ether; amounts cross the contract as decimal strings of the smallest unit. */
export const OPEN_DECIMALS = 18;
