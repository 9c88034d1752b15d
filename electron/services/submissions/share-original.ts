import type { ShareOriginalState } from '../../../shared/api/library';
import { AppError } from '../../../shared/errors';
import type { AuditLog } from '../audit/audit-log';
import type { DatanetService } from '../datanets/datanet-service';
import type { Database } from '../db/database';

type ItemRow = { id: string; datanet_id: string; name: string; sha256: string; size: string | number };

/**
 * The contributor's explicit consent to send an item's original, un-anonymised bytes to its
 * Datanet. Without it the original never leaves, whatever the policy says about anonymisation;
 * every mark and unmark is recorded in the audit log in the same transaction as the mark itself.
 */
export class ShareOriginalService {
  constructor(
    private readonly db: Database,
    private readonly datanets: DatanetService,
    private readonly audit: AuditLog,
  ) {}

  /** Whether the item's original is marked to be shared. */
  async status(id: string): Promise<ShareOriginalState> {
    await this.item(id);
    const { rows } = await this.db.query<{ marked_at: Date }>('select marked_at from item_original_shares where item_id = $1', [id]);
    const row = rows[0];
    return { id, isShared: row !== undefined, markedAt: row ? row.marked_at.toISOString() : null };
  }

  /**
   * Marks (with `confirm: true`) or unmarks the item's original for sharing. Marking is refused
   * where the Datanet requires anonymisation: the mark would do nothing today and would silently
   * start sending originals if that policy were relaxed later. Setting the state it already has
   * records nothing.
   */
  async set(input: { id: string; isShared: boolean; confirm?: boolean }): Promise<ShareOriginalState> {
    const item = await this.item(input.id);
    const datanet = await this.datanets.get(item.datanet_id);
    if (input.isShared && input.confirm !== true) {
      throw new AppError('invalid_input', 'Sharing an original needs an explicit confirmation (confirm: true).');
    }
    if (input.isShared && datanet.policy.anonymisation.required) {
      throw new AppError('invalid_input', `"${datanet.name}" requires anonymisation: anonymise the item instead of sharing its original.`);
    }
    const current = await this.status(input.id);
    if (current.isShared === input.isShared) return current;
    await this.db.transaction(async (tx) => {
      if (input.isShared) {
        await tx.query('insert into item_original_shares (item_id, datanet_id, sha256) values ($1, $2, $3)', [
          item.id,
          item.datanet_id,
          item.sha256,
        ]);
      } else {
        await tx.query('delete from item_original_shares where item_id = $1', [item.id]);
      }
      await this.audit.recordConsent(
        {
          kind: input.isShared ? 'share-original' : 'unshare-original',
          datanetId: datanet.id,
          datanetName: datanet.name,
          itemId: item.id,
          itemName: item.name,
          sha256: item.sha256,
          bytes: Number(item.size),
        },
        tx,
      );
    });
    return this.status(input.id);
  }

  private async item(id: string): Promise<ItemRow> {
    const { rows } = await this.db.query<ItemRow>('select id, datanet_id, name, sha256, size from items where id = $1', [id]);
    const row = rows[0];
    if (!row) throw new AppError('not_found', 'This item no longer exists.');
    return row;
  }
}
