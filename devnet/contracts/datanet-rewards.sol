// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Proof-of-Attribution rewards for Datanets (devnet)
/// @notice Pays a fixed $OPEN budget per epoch, split across files in proportion to their
/// attribution scores. One FileRewarded event per file is the record the desktop indexer reads,
/// so the event, not contract storage, is the source of truth for per-file amounts.
contract DatanetRewards is Ownable {
    using SafeERC20 for IERC20;

    struct Attribution {
        bytes32 datanet;
        address contributor;
        bytes32 contentHash;
        uint256 score;
    }

    IERC20 public immutable token;
    uint256 public epochBudget;
    uint64 public lastEpoch;
    mapping(address => uint256) public earned;

    event FileRewarded(
        uint64 indexed epoch,
        bytes32 indexed datanet,
        address indexed contributor,
        bytes32 contentHash,
        uint256 score,
        uint256 amount
    );
    event EpochPaid(uint64 indexed epoch, uint256 budget, uint256 totalScore, uint256 totalPaid, uint256 fileCount);
    event EpochBudgetChanged(uint256 budget);

    /// Epochs are paid strictly in sequence so that a retried payout can never pay twice.
    error EpochOutOfOrder(uint64 expected, uint64 given);
    error InsufficientRewardsPool(uint256 needed, uint256 available);

    constructor(IERC20 token_, uint256 epochBudget_, address owner_) Ownable(owner_) {
        token = token_;
        epochBudget = epochBudget_;
    }

    function setEpochBudget(uint256 budget) external onlyOwner {
        epochBudget = budget;
        emit EpochBudgetChanged(budget);
    }

    /// @notice Pays epoch `epoch`: each file gets floor(budget * score / totalScore). The rounding
    /// dust stays in the pool, so the sum paid never exceeds the budget.
    function payEpoch(uint64 epoch, Attribution[] calldata items) external onlyOwner returns (uint256 totalPaid) {
        if (epoch != lastEpoch + 1) revert EpochOutOfOrder(lastEpoch + 1, epoch);
        lastEpoch = epoch;

        uint256 totalScore;
        for (uint256 i = 0; i < items.length; i++) {
            totalScore += items[i].score;
        }

        uint256 budget = epochBudget;
        if (totalScore > 0) {
            uint256 available = token.balanceOf(address(this));
            if (available < budget) revert InsufficientRewardsPool(budget, available);
            for (uint256 i = 0; i < items.length; i++) {
                Attribution calldata item = items[i];
                uint256 amount = (budget * item.score) / totalScore;
                if (amount > 0) {
                    earned[item.contributor] += amount;
                    totalPaid += amount;
                    token.safeTransfer(item.contributor, amount);
                }
                emit FileRewarded(epoch, item.datanet, item.contributor, item.contentHash, item.score, amount);
            }
        }
        emit EpochPaid(epoch, budget, totalScore, totalPaid, items.length);
    }
}
