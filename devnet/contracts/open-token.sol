// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title $OPEN on the devnet
/// @notice A plain OpenZeppelin ERC-20 standing in for the network's reward token. Its name says
/// "devnet" so that a wallet pointed at the wrong network cannot mistake it for the real token.
contract OpenToken is ERC20, Ownable {
    constructor(address initialOwner, uint256 initialSupply) ERC20("Open (devnet)", "OPEN") Ownable(initialOwner) {
        _mint(initialOwner, initialSupply);
    }

    /// @notice Lets the devnet top up the rewards pool; a real network's supply rules differ.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
