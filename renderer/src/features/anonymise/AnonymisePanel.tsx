import type { ItemDetail } from '../../../../shared/api/library';
import { TableReview } from './TableReview';
import { TextReview } from './TextReview';
import './anonymise.css';

/** The Anonymise tab of an item: span-by-span review for texts, column policies for tables. */
export function AnonymisePanel({ item, onExported }: { item: ItemDetail; onExported?: () => void }) {
  return item.kind === 'table' ? (
    <TableReview itemId={item.id} onExported={onExported} />
  ) : (
    <TextReview itemId={item.id} onExported={onExported} />
  );
}
