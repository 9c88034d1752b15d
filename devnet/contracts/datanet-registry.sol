// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title Shared Datanets: identity, members and roles, versioned policy, governance
/// @notice One record per Datanet: owner, name, domain, a data type fixed at creation, and the
/// sha256 of every policy version (the document itself is served off-chain by hash). The policy's
/// governance parameters are stored beside each hash because the contract enforces them. Members
/// propose new policy versions and vote; a passed proposal, once executed, is the next version.
/// Curators publish Datanet versions (Merkle roots of approved batches). The validator account
/// records accepted content hashes, which also counts each member's accepted contributions.
contract DatanetRegistry is Ownable {
    enum DataType {
        Text,
        Table,
        Image,
        Audio
    }

    /// Ordered so that `role >= Curator` means "may curate" (the owner curates too).
    enum Role {
        None,
        Contributor,
        Reviewer,
        Curator,
        Owner
    }

    enum Electorate {
        AllMembers,
        /// Reviewers and contributors with at least one accepted item.
        ActiveContributors
    }

    enum Weight {
        OneMemberOneVote,
        AcceptedContributions
    }

    enum ProposalState {
        None,
        Active,
        Passed,
        Failed,
        Expired,
        Executed
    }

    struct Governance {
        bool joinNeedsApproval;
        Electorate electorate;
        Weight weight;
        /// Share of the electorate's weight (at proposal time) that must vote, in basis points.
        uint16 quorumBps;
        /// A proposal passes when yes weight is MORE than thresholdBps/10000 of the weight cast.
        uint16 thresholdBps;
        uint32 votingPeriodSeconds;
    }

    struct Datanet {
        address owner;
        DataType dataType;
        uint64 createdAt;
        uint32 memberCount;
        /// Members in the ActiveContributors electorate.
        uint32 activeCount;
        uint64 datanetVersion;
        uint64 acceptedTotal;
        /// Accepted items of reviewers and contributors (the ActiveContributors electorate's weight).
        uint64 acceptedActive;
        bytes32 latestRoot;
        string name;
        string domain;
    }

    struct Member {
        Role role;
        uint64 joinedBlock;
        uint64 accepted;
    }

    struct Proposal {
        bytes32 datanetId;
        address proposer;
        uint64 createdBlock;
        uint64 endsAt;
        /// The policy version this proposal would replace; executing after another version was
        /// added would silently drop that version's changes, so such a proposal expires instead.
        uint64 baseVersion;
        bool executed;
        bytes32 policyHash;
        /// The rules this proposal is decided by: the current version's, frozen at creation.
        Governance rules;
        /// The rules the new policy version would bring.
        Governance next;
        uint64 electorateWeight;
        uint64 yes;
        uint64 no;
    }

    /// What `getDatanet` returns: the stored record plus the current policy version.
    struct DatanetView {
        bytes32 id;
        address owner;
        string name;
        string domain;
        DataType dataType;
        uint64 createdAt;
        uint64 policyVersion;
        bytes32 policyHash;
        Governance governance;
        uint32 memberCount;
        uint64 acceptedTotal;
        uint64 datanetVersion;
        bytes32 latestRoot;
    }

    struct ProposalView {
        uint256 id;
        bytes32 datanetId;
        address proposer;
        bytes32 policyHash;
        Governance rules;
        Governance next;
        uint64 baseVersion;
        uint64 createdBlock;
        uint64 endsAt;
        uint64 electorateWeight;
        uint64 yes;
        uint64 no;
        uint64 quorumWeight;
        ProposalState state;
    }

    uint32 public constant MAX_TEXT_BYTES = 120;
    uint32 public constant MIN_VOTING_PERIOD = 60;
    uint32 public constant MAX_VOTING_PERIOD = 365 days;
    /// A passed proposal not executed within this time after its vote ends expires: an old
    /// result must not be applied long after the electorate has moved on.
    uint64 public constant EXECUTION_WINDOW = 7 days;

    address public validator;
    bytes32[] private datanetIds;
    mapping(bytes32 => Datanet) private datanets;
    mapping(bytes32 => bytes32[]) private policyHashes;
    mapping(bytes32 => Governance[]) private governances;
    mapping(bytes32 => mapping(address => Member)) private members;
    mapping(bytes32 => address[]) private memberList;
    mapping(bytes32 => mapping(address => bool)) public isJoinRequested;
    mapping(bytes32 => mapping(bytes32 => bool)) public isAccepted;
    mapping(bytes32 => mapping(uint64 => bytes32)) public versionRoot;
    uint256 public proposalCount;
    mapping(uint256 => Proposal) private proposals;
    mapping(uint256 => mapping(address => bool)) public hasVoted;

    event ValidatorChanged(address indexed validator);
    event DatanetPublished(
        bytes32 indexed datanetId,
        address indexed owner,
        string name,
        string domain,
        DataType dataType,
        bytes32 policyHash
    );
    event PolicyVersionAdded(bytes32 indexed datanetId, uint64 indexed version, bytes32 policyHash, Governance governance);
    event JoinRequested(bytes32 indexed datanetId, address indexed account);
    event MemberApproved(bytes32 indexed datanetId, address indexed account, address indexed curator);
    event MemberJoined(bytes32 indexed datanetId, address indexed account, Role role);
    event RoleChanged(bytes32 indexed datanetId, address indexed account, Role role, address indexed by);
    event ProposalCreated(
        uint256 indexed proposalId,
        bytes32 indexed datanetId,
        address indexed proposer,
        bytes32 policyHash,
        Governance next,
        uint64 baseVersion,
        uint64 endsAt
    );
    event Voted(uint256 indexed proposalId, address indexed voter, bool support, uint64 weight, uint64 yes, uint64 no);
    event ProposalExecuted(uint256 indexed proposalId, bytes32 indexed datanetId, uint64 policyVersion);
    event ItemsAccepted(bytes32 indexed datanetId, address indexed contributor, uint64 count, uint64 accepted);
    event DatanetVersionPublished(
        bytes32 indexed datanetId,
        uint64 indexed version,
        bytes32 merkleRoot,
        uint32 itemCount,
        address indexed curator
    );

    error UnknownDatanet(bytes32 datanetId);
    error DatanetExists(bytes32 datanetId);
    error InvalidName();
    error InvalidDomain();
    error InvalidPolicyHash();
    error InvalidGovernance();
    error NotMember(bytes32 datanetId, address account);
    error AlreadyMember(bytes32 datanetId, address account);
    error NeedsApproval(bytes32 datanetId);
    error JoinIsOpen(bytes32 datanetId);
    error AlreadyRequested(bytes32 datanetId, address account);
    error NoJoinRequest(bytes32 datanetId, address account);
    error NotCurator(bytes32 datanetId, address account);
    error NotOwner(bytes32 datanetId, address account);
    error InvalidRole();
    error CannotChangeOwner();
    error NotValidator(address account);
    error DuplicateContent(bytes32 datanetId, bytes32 contentHash);
    error EmptyBatch();
    error UnknownProposal(uint256 proposalId);
    error VotingClosed(uint256 proposalId, uint64 endsAt);
    error VotingOpen(uint256 proposalId, uint64 endsAt);
    error AlreadyVoted(uint256 proposalId, address voter);
    error NotInElectorate(uint256 proposalId, address voter);
    error JoinedAfterProposal(uint256 proposalId, address voter);
    error ProposalFailed(uint256 proposalId, uint64 yes, uint64 no, uint64 quorumWeight);
    error ProposalExpired(uint256 proposalId);
    error AlreadyExecuted(uint256 proposalId);

    constructor(address validator_, address admin) Ownable(admin) {
        validator = validator_;
        emit ValidatorChanged(validator_);
    }

    /// @notice The network's admin rotates the validator key; nothing else is theirs to change.
    function setValidator(address validator_) external onlyOwner {
        validator = validator_;
        emit ValidatorChanged(validator_);
    }

    // ---- Datanets ------------------------------------------------------------------------

    /// @notice The id a publish by `owner` with `salt` gets: known before the transaction, so a
    /// draft can record it and a retried publish fails with DatanetExists instead of duplicating.
    function datanetIdFor(address owner, bytes32 salt) public pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }

    function publish(
        bytes32 salt,
        string calldata name,
        string calldata domain,
        DataType dataType,
        bytes32 policyHash,
        Governance calldata governance
    ) external returns (bytes32 id) {
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_TEXT_BYTES) revert InvalidName();
        if (bytes(domain).length > MAX_TEXT_BYTES) revert InvalidDomain();
        id = datanetIdFor(msg.sender, salt);
        if (datanets[id].owner != address(0)) revert DatanetExists(id);
        Datanet storage d = datanets[id];
        d.owner = msg.sender;
        d.dataType = dataType;
        d.createdAt = uint64(block.timestamp);
        d.name = name;
        d.domain = domain;
        datanetIds.push(id);
        emit DatanetPublished(id, msg.sender, name, domain, dataType, policyHash);
        if (policyHash == bytes32(0)) revert InvalidPolicyHash();
        _checkGovernance(governance);
        _addPolicyVersion(id, policyHash, governance);
        _addMember(id, msg.sender, Role.Owner);
    }

    function datanetCount() external view returns (uint256) {
        return datanetIds.length;
    }

    /// @notice Ids in publish order, `count` from `start` (clipped), so a client pages the list.
    function listDatanets(uint256 start, uint256 count) external view returns (bytes32[] memory ids) {
        uint256 total = datanetIds.length;
        uint256 end = start + count > total ? total : start + count;
        if (start >= end) return new bytes32[](0);
        ids = new bytes32[](end - start);
        for (uint256 i = start; i < end; i++) ids[i - start] = datanetIds[i];
    }

    function getDatanet(bytes32 id) external view returns (DatanetView memory v) {
        Datanet storage d = _datanet(id);
        uint64 version = uint64(policyHashes[id].length);
        v.id = id;
        v.owner = d.owner;
        v.name = d.name;
        v.domain = d.domain;
        v.dataType = d.dataType;
        v.createdAt = d.createdAt;
        v.policyVersion = version;
        v.policyHash = policyHashes[id][version - 1];
        v.governance = governances[id][version - 1];
        v.memberCount = d.memberCount;
        v.acceptedTotal = d.acceptedTotal;
        v.datanetVersion = d.datanetVersion;
        v.latestRoot = d.latestRoot;
    }

    /// @notice Policy version `version` (1-based) of a Datanet: its document hash and governance.
    function policyAt(bytes32 id, uint64 version) external view returns (bytes32 policyHash, Governance memory governance) {
        _datanet(id);
        if (version == 0 || version > policyHashes[id].length) revert InvalidPolicyHash();
        return (policyHashes[id][version - 1], governances[id][version - 1]);
    }

    function policyVersionCount(bytes32 id) external view returns (uint64) {
        _datanet(id);
        return uint64(policyHashes[id].length);
    }

    // ---- Membership ----------------------------------------------------------------------

    /// @notice Joins as a contributor where the current policy lets anyone join.
    function join(bytes32 id) external {
        _datanet(id);
        if (members[id][msg.sender].role != Role.None) revert AlreadyMember(id, msg.sender);
        if (_currentGovernance(id).joinNeedsApproval) revert NeedsApproval(id);
        _addMember(id, msg.sender, Role.Contributor);
    }

    /// @notice Asks to join where a curator must approve.
    function requestJoin(bytes32 id) external {
        _datanet(id);
        if (members[id][msg.sender].role != Role.None) revert AlreadyMember(id, msg.sender);
        if (!_currentGovernance(id).joinNeedsApproval) revert JoinIsOpen(id);
        if (isJoinRequested[id][msg.sender]) revert AlreadyRequested(id, msg.sender);
        isJoinRequested[id][msg.sender] = true;
        emit JoinRequested(id, msg.sender);
    }

    function approve(bytes32 id, address account) external {
        _requireCurator(id);
        if (!isJoinRequested[id][account]) revert NoJoinRequest(id, account);
        isJoinRequested[id][account] = false;
        emit MemberApproved(id, account, msg.sender);
        _addMember(id, account, Role.Contributor);
    }

    /// @notice The owner sets any role but Owner; a curator moves members between reviewer and
    /// contributor only, so that curators cannot make or unmake curators.
    function setRole(bytes32 id, address account, Role role) external {
        _datanet(id);
        Member storage m = members[id][account];
        if (m.role == Role.None) revert NotMember(id, account);
        if (m.role == Role.Owner) revert CannotChangeOwner();
        if (role == Role.None || role == Role.Owner) revert InvalidRole();
        Role caller = members[id][msg.sender].role;
        if (caller != Role.Owner) {
            if (caller != Role.Curator) revert NotCurator(id, msg.sender);
            if (role == Role.Curator || m.role == Role.Curator) revert NotOwner(id, msg.sender);
        }
        Datanet storage d = datanets[id];
        bool wasActive = _isActiveRole(m.role);
        bool isActive = _isActiveRole(role);
        if (wasActive != isActive) {
            if (isActive) {
                d.acceptedActive += m.accepted;
                if (m.accepted > 0) d.activeCount++;
            } else {
                d.acceptedActive -= m.accepted;
                if (m.accepted > 0) d.activeCount--;
            }
        }
        m.role = role;
        emit RoleChanged(id, account, role, msg.sender);
    }

    function memberOf(bytes32 id, address account) external view returns (Role role, uint64 joinedBlock, uint64 accepted) {
        Member storage m = members[id][account];
        return (m.role, m.joinedBlock, m.accepted);
    }

    /// @notice Every member in join order (a Datanet's member list is read whole by the app).
    function membersOf(bytes32 id) external view returns (address[] memory) {
        _datanet(id);
        return memberList[id];
    }

    // ---- Validator: accepted content ------------------------------------------------------

    /// @notice Records content hashes the validator accepted from `contributor`, refusing any
    /// already accepted in this Datanet from anyone: the contributor's accepted count (their vote
    /// weight where the policy weighs by contributions) therefore counts distinct content only.
    function recordAccepted(bytes32 id, address contributor, bytes32[] calldata contentHashes) external {
        if (msg.sender != validator) revert NotValidator(msg.sender);
        Datanet storage d = _datanet(id);
        Member storage m = members[id][contributor];
        if (m.role == Role.None) revert NotMember(id, contributor);
        uint256 n = contentHashes.length;
        if (n == 0) revert EmptyBatch();
        for (uint256 i = 0; i < n; i++) {
            bytes32 h = contentHashes[i];
            if (isAccepted[id][h]) revert DuplicateContent(id, h);
            isAccepted[id][h] = true;
        }
        uint64 count = uint64(n);
        if (_isActiveRole(m.role)) {
            if (m.accepted == 0) d.activeCount++;
            d.acceptedActive += count;
        }
        m.accepted += count;
        d.acceptedTotal += count;
        emit ItemsAccepted(id, contributor, count, m.accepted);
    }

    // ---- Datanet versions -----------------------------------------------------------------

    /// @notice A curator publishes the Merkle root of an approved batch as the next Datanet version.
    function publishVersion(bytes32 id, bytes32 merkleRoot, uint32 itemCount) external returns (uint64 version) {
        _requireCurator(id);
        if (merkleRoot == bytes32(0) || itemCount == 0) revert EmptyBatch();
        Datanet storage d = datanets[id];
        version = ++d.datanetVersion;
        d.latestRoot = merkleRoot;
        versionRoot[id][version] = merkleRoot;
        emit DatanetVersionPublished(id, version, merkleRoot, itemCount, msg.sender);
    }

    // ---- Governance -----------------------------------------------------------------------

    /// @notice Any member proposes the next policy version (its hash and governance parameters).
    /// The proposal is decided by the current version's rules, frozen here.
    function propose(bytes32 id, bytes32 policyHash, Governance calldata next) external returns (uint256 proposalId) {
        _datanet(id);
        if (members[id][msg.sender].role == Role.None) revert NotMember(id, msg.sender);
        if (policyHash == bytes32(0)) revert InvalidPolicyHash();
        _checkGovernance(next);
        Governance memory rules = _currentGovernance(id);
        proposalId = ++proposalCount;
        Proposal storage p = proposals[proposalId];
        p.datanetId = id;
        p.proposer = msg.sender;
        p.createdBlock = uint64(block.number);
        p.endsAt = uint64(block.timestamp) + rules.votingPeriodSeconds;
        p.baseVersion = uint64(policyHashes[id].length);
        p.policyHash = policyHash;
        p.rules = rules;
        p.next = next;
        p.electorateWeight = _electorateWeight(id, rules);
        emit ProposalCreated(proposalId, id, msg.sender, policyHash, next, p.baseVersion, p.endsAt);
    }

    /// @notice Votes once, before the period ends. The weight is the voter's at vote time (a
    /// one-vote rule gives 1; by-contributions gives the accepted count then).
    function vote(uint256 proposalId, bool support) external {
        Proposal storage p = _proposal(proposalId);
        if (block.timestamp >= p.endsAt) revert VotingClosed(proposalId, p.endsAt);
        if (hasVoted[proposalId][msg.sender]) revert AlreadyVoted(proposalId, msg.sender);
        Member storage m = members[p.datanetId][msg.sender];
        if (m.role == Role.None) revert NotMember(p.datanetId, msg.sender);
        // Members who joined after the proposal are not in its electorate: otherwise an open
        // Datanet could be flooded with fresh accounts voting on a proposal already under way.
        if (m.joinedBlock >= p.createdBlock) revert JoinedAfterProposal(proposalId, msg.sender);
        uint64 weight = _weightOf(m, p.rules);
        if (weight == 0) revert NotInElectorate(proposalId, msg.sender);
        hasVoted[proposalId][msg.sender] = true;
        if (support) p.yes += weight;
        else p.no += weight;
        emit Voted(proposalId, msg.sender, support, weight, p.yes, p.no);
    }

    /// @notice After the period: a passed proposal becomes the next policy version. A failed or
    /// expired one reverts (ProposalFailed / ProposalExpired) and changes nothing.
    function execute(uint256 proposalId) external returns (uint64 policyVersion) {
        Proposal storage p = _proposal(proposalId);
        if (p.executed) revert AlreadyExecuted(proposalId);
        if (block.timestamp < p.endsAt) revert VotingOpen(proposalId, p.endsAt);
        ProposalState state = _state(p);
        if (state == ProposalState.Expired) revert ProposalExpired(proposalId);
        if (state == ProposalState.Failed) revert ProposalFailed(proposalId, p.yes, p.no, _quorumWeight(p));
        p.executed = true;
        policyVersion = _addPolicyVersion(p.datanetId, p.policyHash, p.next);
        emit ProposalExecuted(proposalId, p.datanetId, policyVersion);
    }

    function getProposal(uint256 proposalId) external view returns (ProposalView memory v) {
        Proposal storage p = _proposal(proposalId);
        v.id = proposalId;
        v.datanetId = p.datanetId;
        v.proposer = p.proposer;
        v.policyHash = p.policyHash;
        v.rules = p.rules;
        v.next = p.next;
        v.baseVersion = p.baseVersion;
        v.createdBlock = p.createdBlock;
        v.endsAt = p.endsAt;
        v.electorateWeight = p.electorateWeight;
        v.yes = p.yes;
        v.no = p.no;
        v.quorumWeight = _quorumWeight(p);
        v.state = _state(p);
    }

    /// @notice The weight `account` would vote with on `proposalId` now (0: may not vote).
    function votingWeight(uint256 proposalId, address account) external view returns (uint64) {
        Proposal storage p = _proposal(proposalId);
        Member storage m = members[p.datanetId][account];
        if (m.role == Role.None || m.joinedBlock >= p.createdBlock) return 0;
        return _weightOf(m, p.rules);
    }

    // ---- Internals ------------------------------------------------------------------------

    function _datanet(bytes32 id) private view returns (Datanet storage d) {
        d = datanets[id];
        if (d.owner == address(0)) revert UnknownDatanet(id);
    }

    function _proposal(uint256 proposalId) private view returns (Proposal storage p) {
        p = proposals[proposalId];
        if (p.datanetId == bytes32(0)) revert UnknownProposal(proposalId);
    }

    function _requireCurator(bytes32 id) private view {
        _datanet(id);
        if (members[id][msg.sender].role < Role.Curator) revert NotCurator(id, msg.sender);
    }

    function _currentGovernance(bytes32 id) private view returns (Governance memory) {
        Governance[] storage all = governances[id];
        return all[all.length - 1];
    }

    function _checkGovernance(Governance calldata g) private pure {
        if (
            g.quorumBps > 10_000 ||
            g.thresholdBps >= 10_000 ||
            g.votingPeriodSeconds < MIN_VOTING_PERIOD ||
            g.votingPeriodSeconds > MAX_VOTING_PERIOD
        ) revert InvalidGovernance();
    }

    function _addPolicyVersion(bytes32 id, bytes32 policyHash, Governance memory g) private returns (uint64 version) {
        policyHashes[id].push(policyHash);
        governances[id].push(g);
        version = uint64(policyHashes[id].length);
        emit PolicyVersionAdded(id, version, policyHash, g);
    }

    function _addMember(bytes32 id, address account, Role role) private {
        members[id][account] = Member({role: role, joinedBlock: uint64(block.number), accepted: 0});
        memberList[id].push(account);
        datanets[id].memberCount++;
        emit MemberJoined(id, account, role);
    }

    function _isActiveRole(Role role) private pure returns (bool) {
        return role == Role.Contributor || role == Role.Reviewer;
    }

    function _weightOf(Member storage m, Governance memory rules) private view returns (uint64) {
        if (rules.electorate == Electorate.ActiveContributors && (!_isActiveRole(m.role) || m.accepted == 0)) return 0;
        return rules.weight == Weight.OneMemberOneVote ? 1 : m.accepted;
    }

    function _electorateWeight(bytes32 id, Governance memory rules) private view returns (uint64) {
        Datanet storage d = datanets[id];
        if (rules.electorate == Electorate.AllMembers) {
            return rules.weight == Weight.OneMemberOneVote ? d.memberCount : d.acceptedTotal;
        }
        return rules.weight == Weight.OneMemberOneVote ? d.activeCount : d.acceptedActive;
    }

    function _quorumWeight(Proposal storage p) private view returns (uint64) {
        // Rounded up: a 20 % quorum of 3 members needs 1 vote, not 0.
        return uint64((uint256(p.electorateWeight) * p.rules.quorumBps + 9_999) / 10_000);
    }

    function _state(Proposal storage p) private view returns (ProposalState) {
        if (p.executed) return ProposalState.Executed;
        if (block.timestamp < p.endsAt) return ProposalState.Active;
        uint256 cast = uint256(p.yes) + p.no;
        bool isPassed = cast > 0 && cast >= _quorumWeight(p) && uint256(p.yes) * 10_000 > uint256(p.rules.thresholdBps) * cast;
        if (!isPassed) return ProposalState.Failed;
        if (policyHashes[p.datanetId].length != p.baseVersion || block.timestamp >= p.endsAt + EXECUTION_WINDOW) {
            return ProposalState.Expired;
        }
        return ProposalState.Passed;
    }
}
