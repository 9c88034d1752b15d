import { BRIDGE_GLOBAL, type DesktopBridge } from '../../../../shared/api/bridge';

/** The Electron preload's bridge, for the one thing a transport cannot carry: dropped File objects. */
export function desktopBridge(): DesktopBridge<File> | undefined {
  const bridge = (window as unknown as Record<string, Partial<DesktopBridge<File>> | undefined>)[BRIDGE_GLOBAL];
  return typeof bridge?.importDropped === 'function' ? (bridge as DesktopBridge<File>) : undefined;
}
