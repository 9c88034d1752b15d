import { useEffect, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Segment } from '../../../../shared/pii/review-segments';
import { percent, TYPE_NAMES, typeColour } from './entity-style';
import type { DetectionIndex, ReviewPage, TextSelection } from './review-page';
import { offsetOf } from './text-offsets';

/**
 * The page's text as runs, detections highlighted by type. Each run carries its absolute start
 * (data-start), which is how DOM selections map back to contract offsets. Reports the reviewer's
 * selection; shows a tooltip for the highlight under the pointer.
 */
export function HighlightedText({
  itemId,
  page,
  segments,
  index,
  currentId,
  textRef,
  onCurrent,
  onKeyDown,
  onSelect,
}: {
  itemId: string;
  page: ReviewPage;
  segments: Segment[];
  index: DetectionIndex;
  currentId: string | null;
  textRef: RefObject<HTMLDivElement | null>;
  onCurrent: (id: string) => void;
  onKeyDown: (e: KeyboardEvent<HTMLDivElement>) => void;
  onSelect: (selected: TextSelection | null) => void;
}) {
  const [hover, setHover] = useState<{ id: string; left: number; top: number } | null>(null);
  const { byId, firstRunOf } = index;

  useEffect(() => {
    const onSelection = (): void => {
      const root = textRef.current;
      const sel = document.getSelection();
      if (!root || !sel || sel.rangeCount === 0 || !sel.anchorNode || !sel.focusNode) return;
      if (!root.contains(sel.anchorNode) || !root.contains(sel.focusNode)) return;
      if (sel.isCollapsed) return onSelect(null);
      const a = offsetOf(root, sel.anchorNode, sel.anchorOffset);
      const b = offsetOf(root, sel.focusNode, sel.focusOffset);
      if (a === null || b === null || a === b) return;
      const start = Math.min(a, b);
      const end = Math.max(a, b);
      onSelect({ start, end, text: page.text.slice(start - page.start, end - page.start) });
    };
    document.addEventListener('selectionchange', onSelection);
    return () => document.removeEventListener('selectionchange', onSelection);
  }, [page, textRef, onSelect]);

  const hovered = hover ? byId.get(hover.id) : undefined;
  return (
    <div className="anon-text-frame">
      <div
        ref={textRef}
        className="anon-text"
        role="region"
        aria-label="Document text"
        aria-describedby={`anon-keys-${itemId}`}
        onKeyDown={onKeyDown}
      >
        {segments.map((s) => {
          const text = page.text.slice(s.start - page.start, s.end - page.start);
          const d = s.primaryId ? byId.get(s.primaryId) : undefined;
          if (!d) {
            return (
              <span key={s.start} data-start={s.start}>
                {text}
              </span>
            );
          }
          const isFirst = firstRunOf.get(d.id) === s.start && d.start >= page.start;
          return (
            <mark
              key={s.start}
              data-start={s.start}
              data-detection-id={d.id}
              data-type={d.effectiveType}
              data-decision={d.decision}
              data-origin={d.origin}
              data-label={isFirst ? TYPE_NAMES[d.effectiveType] : undefined}
              className={`det det-${d.decision}${d.id === currentId ? ' current' : ''}`}
              style={{ ['--c' as string]: typeColour(d.effectiveType) }}
              tabIndex={isFirst ? 0 : -1}
              title={`${TYPE_NAMES[d.effectiveType]} · ${d.decision} · confidence ${percent(d.confidence)} · ${d.reason}`}
              aria-label={`${d.text}: ${TYPE_NAMES[d.effectiveType]}, ${d.decision}, confidence ${percent(d.confidence)}`}
              onFocus={() => onCurrent(d.id)}
              onClick={() => onCurrent(d.id)}
              onMouseEnter={(e) => {
                const box = e.currentTarget.getBoundingClientRect();
                const frame = textRef.current?.parentElement?.getBoundingClientRect();
                if (frame) setHover({ id: d.id, left: box.left - frame.left, top: box.bottom - frame.top + 4 });
              }}
              onMouseLeave={() => setHover(null)}
            >
              {text}
            </mark>
          );
        })}
      </div>
      {hovered && hover && (
        <div className="anon-tip" role="tooltip" style={{ left: hover.left, top: hover.top }}>
          <strong>{TYPE_NAMES[hovered.effectiveType]}</strong> · {hovered.decision} · confidence {percent(hovered.confidence)}
          <br />
          {hovered.reason}
        </div>
      )}
    </div>
  );
}
