// Preloaded into tools that phone home (electronegativity fetches translations and Electron's
// release list at start): any connection to a non-loopback address fails at once, so a test
// never leaves the machine, with or without a network.
import dns from 'node:dns';
import net from 'node:net';
const connect = net.Socket.prototype.connect;
const isLoopback = (host) => !host || host === 'localhost' || host === '::1' || /^127\./.test(host);
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : { port: args[0], host: args[1] };
  if (options.path === undefined && !isLoopback(options.host)) {
    const error = Object.assign(new Error(`offline-guard: refused connection to ${options.host}`), { code: 'ECONNREFUSED' });
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
const refuse =
  (name) =>
  (...args) => {
    const callback = args.find((a) => typeof a === 'function');
    const error = Object.assign(new Error(`offline-guard: no DNS (${name})`), { code: 'ENOTFOUND' });
    if (callback) process.nextTick(() => callback(error));
  };
dns.lookup = refuse('lookup');
