import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BRIDGE_GLOBAL, type DesktopBridge } from '../../shared/api/bridge';
import { createClient } from '../../shared/api/client';
import { ApiProvider } from './api/ApiContext';
import { createWsTransport, type ConnectionState } from './api/ws-transport';
import { App } from './App';
import { connectionStore } from './api/connection-store';
import './styles.css';

// Under Electron the preload provides the bridge; in a browser the Node host serves this page and
// its WebSocket. This is the only place that knows the difference.
const bridge = (window as unknown as Record<string, DesktopBridge | undefined>)[BRIDGE_GLOBAL];
const transport = bridge ?? createWsTransport((state: ConnectionState) => connectionStore.set(state));
if (bridge) connectionStore.set('open');

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ApiProvider client={createClient(transport)}>
        <App />
      </ApiProvider>
    </StrictMode>,
  );
}
