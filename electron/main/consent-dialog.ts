import { BrowserWindow, dialog } from 'electron';
import { formatUnits } from 'ethers';
import type { ConsentPrompt, ConsentRequest } from '../services/wallet/signing-consent';

const REGISTRY_ACTIONS: Record<Extract<ConsentRequest, { kind: 'registry' }>['action'], string> = {
  publish: 'Publish the Datanet',
  join: 'Join the Datanet',
  'request-join': 'Ask to join the Datanet',
  'approve-member': 'Admit a member to the Datanet',
  propose: 'Propose a new policy for the Datanet',
  vote: 'Vote on a proposal of the Datanet',
  execute: 'Execute a proposal of the Datanet',
};

function describe(request: ConsentRequest): { message: string; detail: string; confirm: string } {
  switch (request.kind) {
    case 'submission':
      return {
        message: `Sign a submission of ${request.itemCount} file${request.itemCount === 1 ? '' : 's'} to "${request.datanetName}"?`,
        detail: [
          `Network: ${request.networkName}`,
          `Manifest hash: ${request.manifestHash}`,
          `Files: ${request.itemCount} (${request.totalBytes} bytes)`,
          `Most the on-chain attestation may cost: ${request.maxFeeWei === null ? 'no cap set' : `${formatUnits(request.maxFeeWei, 'ether')} ETH`}`,
          '',
          'Compare the manifest hash with the one the app window shows.',
        ].join('\n'),
        confirm: 'Sign and submit',
      };
    case 'room-vote':
      return {
        message: `Sign in the review room "${request.roomTitle}"?`,
        detail: `${request.summary}\n\nDigest: ${request.digest}`,
        confirm: 'Sign',
      };
    case 'registry':
      return {
        message: `${REGISTRY_ACTIONS[request.action]} "${request.datanetName}" on ${request.networkName}?`,
        detail: [
          `Datanet on-chain id: ${request.onchainId}`,
          ...(request.policyHash ? [`Policy document hash: ${request.policyHash}`] : []),
          ...(request.proposalId ? [`Proposal: ${request.proposalId}`] : []),
          ...(request.choice ? [`Your vote: ${request.choice}`] : []),
          ...(request.account ? [`Member admitted: ${request.account}`] : []),
          `Most this transaction may cost: ${formatUnits(request.maxFeeWei, 'ether')} ETH`,
        ].join('\n'),
        confirm: 'Sign and send',
      };
    case 'replace-wallet':
      return {
        message: `Replace the wallet ${request.address}?`,
        detail: `Its key is first backed up, still encrypted by the system keychain, to ${request.backupPath} in the data folder.`,
        confirm: 'Replace',
      };
  }
}

/**
 * The native confirmation before every signature. It is drawn by the main process, outside the
 * renderer, so a compromised or scripted page cannot click it or make it say something else:
 * what it shows comes from the host's own prepared request, not from the page.
 */
export function createConsentDialog(): ConsentPrompt {
  return {
    async confirm(request) {
      const { message, detail, confirm } = describe(request);
      const options = {
        type: 'question' as const,
        title: 'Datanet Desk: confirm signature',
        message,
        detail,
        buttons: ['Cancel', confirm],
        // Enter and Escape both mean no: only a deliberate click on the confirm button signs.
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      };
      const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options);
      return response === 1;
    },
  };
}
