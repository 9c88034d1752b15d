import { useCallback, useEffect, useState } from 'react';
import type { Datanet } from '../../shared/api/datanets';
import type { AppError } from '../../shared/errors';
import { useApi, useEvent } from './api/ApiContext';
import { useConnectionState } from './api/connection-store';
import { EmptyState } from './components/EmptyState';
import { ErrorNote, toAppError } from './components/ErrorNote';
import { CreateDatanetDialog } from './features/datanets/CreateDatanetDialog';
import { DatanetView } from './features/datanets/DatanetView';
import { NetworkDatanetsView } from './features/datanets/NetworkDatanetsView';
import { ImportDatanetButton } from './features/datanets/ImportDatanetButton';
import { SettingsView } from './features/settings/SettingsView';
import { RewardsView, type RewardsTarget } from './features/rewards/RewardsView';

const SELECTED_KEY = 'datanet-desk.selected-datanet';

export function App() {
  const api = useApi();
  const connection = useConnectionState();
  const [datanets, setDatanets] = useState<Datanet[] | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(() => localStorage.getItem(SELECTED_KEY));
  const [isCreating, setIsCreating] = useState(false);
  const [isSettingsOpen, setIsSettingsOpen] = useState(false);
  const [isRewardsOpen, setIsRewardsOpen] = useState(false);
  const [isNetworkOpen, setIsNetworkOpen] = useState(false);
  // A trail link's target; the nonce remounts the Datanet view so a second click on the same link lands again.
  const [focus, setFocus] = useState<(RewardsTarget & { nonce: number }) | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(async () => {
    try {
      setDatanets(await api.call('datanets.list', {}));
    } catch (e) {
      setError(toAppError(e));
    }
  }, [api]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  useEvent('items.changed', refresh);

  const select = useCallback((id: string | null) => {
    setSelectedId(id);
    if (id) localStorage.setItem(SELECTED_KEY, id);
    else localStorage.removeItem(SELECTED_KEY);
  }, []);

  const selected = datanets?.find((d) => d.id === selectedId) ?? datanets?.[0] ?? null;

  return (
    <div className="app">
      <aside className="sidebar" aria-label="Datanets">
        <header className="brand">Datanet Desk</header>
        <nav>
          {datanets?.map((d) => (
            <button
              key={d.id}
              type="button"
              className={`datanet-link${!isSettingsOpen && d.id === selected?.id ? ' active' : ''}`}
              aria-current={!isSettingsOpen && d.id === selected?.id ? 'page' : undefined}
              onClick={() => {
                setIsSettingsOpen(false);
                setIsRewardsOpen(false);
                setIsNetworkOpen(false);
                setFocus(null);
                select(d.id);
              }}
            >
              <span className="name">{d.name}</span>
              <span className="count" aria-label={`${d.itemCount} items`}>
                {d.itemCount}
              </span>
            </button>
          ))}
        </nav>
        <div className="sidebar-actions">
          <button type="button" className="primary" onClick={() => setIsCreating(true)}>
            New Datanet
          </button>
          <ImportDatanetButton
            onImported={(d) => {
              void refresh();
              select(d.id);
            }}
            onError={setError}
          />
          <button
            type="button"
            className={`settings-link${isRewardsOpen && !isSettingsOpen ? ' active' : ''}`}
            aria-current={isRewardsOpen && !isSettingsOpen ? 'page' : undefined}
            onClick={() => {
              setIsSettingsOpen(false);
              setIsNetworkOpen(false);
              setIsRewardsOpen(true);
            }}
          >
            Rewards
          </button>
          <button
            type="button"
            className={`settings-link${isNetworkOpen && !isSettingsOpen ? ' active' : ''}`}
            aria-current={isNetworkOpen && !isSettingsOpen ? 'page' : undefined}
            onClick={() => {
              setIsSettingsOpen(false);
              setIsRewardsOpen(false);
              setIsNetworkOpen(true);
            }}
          >
            Network Datanets
          </button>
          <button type="button" className={`settings-link${isSettingsOpen ? ' active' : ''}`} onClick={() => setIsSettingsOpen(true)}>
            Settings
          </button>
        </div>
      </aside>
      <main className="content">
        {connection === 'closed' && (
          <div className="banner" role="status">
            Not connected to the Datanet Desk host; reconnecting… (is <code>npm run web</code> still running?)
          </div>
        )}
        {connection === 'unauthorized' && (
          <div className="banner" role="alert">
            This browser has no key for the running Datanet Desk host. Open the address printed by <code>npm run web</code> (it carries this
            session&rsquo;s key).
          </div>
        )}
        <ErrorNote error={error} onDismiss={() => setError(null)} />
        {isSettingsOpen ? (
          <SettingsView />
        ) : isNetworkOpen ? (
          <NetworkDatanetsView
            onOpen={(id) => {
              setIsNetworkOpen(false);
              void refresh();
              select(id);
            }}
          />
        ) : isRewardsOpen ? (
          <RewardsView
            datanets={datanets ?? []}
            onNavigate={(target) => {
              setFocus({ ...target, nonce: Date.now() });
              setIsRewardsOpen(false);
              select(target.datanetId);
            }}
          />
        ) : datanets === null ? (
          <p className="muted">Loading…</p>
        ) : selected ? (
          <DatanetView
            key={focus?.datanetId === selected.id ? `${selected.id}:${focus.nonce}` : selected.id}
            datanet={selected}
            focus={focus?.datanetId === selected.id ? focus : undefined}
            onChanged={() => void refresh()}
            onRemoved={() => {
              select(null);
              void refresh();
            }}
          />
        ) : (
          <EmptyState title="No Datanets yet">
            <p>
              A Datanet is a data community with its own policy: which files it accepts, how large, how much per day, and whether
              anonymisation is required.
            </p>
            <button type="button" className="primary" onClick={() => setIsCreating(true)}>
              Create your first Datanet
            </button>
          </EmptyState>
        )}
      </main>
      {isCreating && (
        <CreateDatanetDialog
          onClose={() => setIsCreating(false)}
          onCreated={(d) => {
            setIsCreating(false);
            void refresh();
            select(d.id);
          }}
        />
      )}
    </div>
  );
}
