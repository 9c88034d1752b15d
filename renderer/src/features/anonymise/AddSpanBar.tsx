import { useState, type RefObject } from 'react';
import { findInWindow } from '../../../../shared/pii/review-segments';
import { ENTITY_TYPES, type EntityType } from '../../../../shared/pii/types';
import { TYPE_NAMES } from './entity-style';
import type { ReviewPage, TextSelection } from './review-page';
import { positionOf } from './text-offsets';

/** Find text on the page, see what is selected, and add it as a span of a chosen type (what the detectors missed). */
export function AddSpanBar({
  page,
  selected,
  textRef,
  onSelect,
  onAdd,
}: {
  page: ReviewPage;
  selected: TextSelection | null;
  textRef: RefObject<HTMLDivElement | null>;
  onSelect: (selected: TextSelection) => void;
  onAdd: (type: EntityType) => void;
}) {
  const [addType, setAddType] = useState<EntityType>('PERSON');
  const [findQuery, setFindQuery] = useState('');
  const [isFindMiss, setFindMiss] = useState(false);

  const find = (): void => {
    const root = textRef.current;
    if (!root) return;
    const from = selected ? selected.end : page.start;
    const hit = findInWindow(page.text, page.start, findQuery, from);
    setFindMiss(hit === null);
    if (!hit) return;
    const a = positionOf(root, hit.start);
    const b = positionOf(root, hit.end);
    if (a && b) {
      document.getSelection()?.setBaseAndExtent(a.node, a.offset, b.node, b.offset);
      (a.node.parentElement as HTMLElement | null)?.scrollIntoView({ block: 'nearest' });
    }
    onSelect({ ...hit, text: page.text.slice(hit.start - page.start, hit.end - page.start) });
  };

  return (
    <div className="anon-add" aria-label="Add a missed span">
      <label className="inline">
        Find
        <input
          type="search"
          aria-label="Find text to mark"
          value={findQuery}
          onChange={(e) => setFindQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              find();
            }
          }}
        />
      </label>
      <button type="button" onClick={find} disabled={!findQuery}>
        Find next
      </button>
      <span className="small" data-testid="selection" aria-live="polite">
        {isFindMiss ? (
          <span className="muted">Not found on this page</span>
        ) : selected ? (
          <>
            Selected “{selected.text.length > 60 ? `${selected.text.slice(0, 60)}…` : selected.text}” ({selected.start}–{selected.end})
          </>
        ) : (
          <span className="muted">Nothing selected</span>
        )}
      </span>
      <select aria-label="Type of the added span" value={addType} onChange={(e) => setAddType(e.target.value as EntityType)}>
        {ENTITY_TYPES.map((t) => (
          <option key={t} value={t}>
            {TYPE_NAMES[t]}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => onAdd(addType)} disabled={!selected}>
        Add span
      </button>
    </div>
  );
}
