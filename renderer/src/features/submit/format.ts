/** A 32-byte hex value shortened for a table cell; the full value goes in the title. */
export function shortHex(value: string | null): string {
  if (!value) return '—';
  return `${value.slice(0, 8)}…${value.slice(-6)}`;
}

/** An ISO time in the user's local time, with the UTC time beside it (quota days are UTC). */
export function localAndUtc(iso: string): string {
  const d = new Date(iso);
  return `${d.toLocaleString()} (${d.toISOString().slice(11, 16)} UTC)`;
}

const STATUS_WORDS: Record<string, string> = {
  queued: 'Queued',
  signed: 'Signed',
  attested_offchain: 'Attested off-chain',
  sent: 'Sent to the chain',
  attested_onchain: 'Attested on-chain',
  accepted: 'Accepted',
  rejected: 'Rejected',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status] ?? status;
}
