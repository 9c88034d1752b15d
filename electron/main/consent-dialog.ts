import { BrowserWindow, dialog } from 'electron';
import { formatUnits } from 'ethers';
import type { ConsentPrompt, ConsentRequest } from '../services/wallet/signing-consent';

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
