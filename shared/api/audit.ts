import { z } from 'zod';
import { method } from './define';

/**
 * Where an outbound transfer went. The renderer may record only the channels it owns (WebRTC lives there).
 * `consent` is not a transfer: it records a decision that lets bytes leave later (sharing an original).
 */
export const AUDIT_CHANNELS = ['chain-rpc', 'validator', 'faucet', 'model-download', 'review-signaling', 'review-peer', 'consent'] as const;
export const auditChannelSchema = z.enum(AUDIT_CHANNELS);
export type AuditChannel = z.infer<typeof auditChannelSchema>;
export const RENDERER_AUDIT_CHANNELS = ['review-signaling', 'review-peer'] as const;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  source: z.enum(['host', 'renderer']),
  channel: auditChannelSchema,
  /** Scheme, host, port and path; never a query string or user info. */
  endpoint: z.string(),
  /** What was sent: a JSON-RPC method, an HTTP method and path, a Yjs message kind. */
  what: z.string(),
  bytes: z.number().int().nonnegative(),
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date');

export const auditFilterSchema = z
  .object({
    channel: auditChannelSchema.optional(),
    source: z.enum(['host', 'renderer']).optional(),
    /** Inclusive lower bound of `at`. */
    from: isoDate.optional(),
    /** Exclusive upper bound of `at`. */
    to: isoDate.optional(),
    /** Case-insensitive text in the endpoint or what. */
    text: z.string().max(200).optional(),
  })
  .strict();
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** One transfer the renderer made itself (y-webrtc signaling or a peer), hashed on its side. */
export const rendererTransferSchema = z
  .object({
    channel: z.enum(RENDERER_AUDIT_CHANNELS),
    endpoint: z.string().min(1).max(2_000),
    what: z.string().min(1).max(200),
    bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type RendererTransfer = z.infer<typeof rendererTransferSchema>;

export const AUDIT_EXPORT_MAX_ROWS = 100_000;

export const auditMethods = {
  'audit.list': method(
    auditFilterSchema.extend({
      limit: z.number().int().min(1).max(1_000).default(200),
      /** Paging: entries older than this id. */
      beforeId: z.number().int().positive().optional(),
    }),
    z.object({ entries: z.array(auditEntrySchema), total: z.number().int().nonnegative() }),
    'Outbound transfers recorded, newest first, filtered; total counts every match.',
  ),
  'audit.export': method(
    auditFilterSchema.extend({ format: z.enum(['csv', 'json']) }),
    z.object({ fileName: z.string(), mimeType: z.string(), content: z.string(), count: z.number().int().nonnegative() }),
    'The filtered audit log as a CSV or JSON document (oldest first) for an institution to keep.',
  ),
  'audit.record': method(
    z.object({ transfers: z.array(rendererTransferSchema).min(1).max(500) }).strict(),
    z.object({ recorded: z.number().int().nonnegative() }),
    'Records outbound transfers the renderer made itself (review-room signaling and peers).',
  ),
} as const;
