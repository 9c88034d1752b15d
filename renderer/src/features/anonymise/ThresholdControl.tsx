import { useRef, useState } from 'react';

/**
 * The confidence threshold as a slider and a number. It shows the reviewer's value at once and
 * sends it after a pause, so that dragging the slider does not ask the host for a review per step.
 */
export function ThresholdControl({
  itemId,
  stored,
  belowThreshold,
  onCommit,
}: {
  itemId: string;
  /** The threshold the host holds for the item. */
  stored: number;
  belowThreshold: number;
  onCommit: (minConfidence: number) => void;
}) {
  const [value, setValue] = useState<number | null>(null);
  const timer = useRef<number | undefined>(undefined);
  // Not cleared on unmount: a value the reviewer chose just before leaving is still stored.

  const commit = (next: number): void => {
    setValue(next);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => onCommit(next), 250);
  };

  const shown = value ?? stored;
  return (
    <div className="anon-threshold">
      <label htmlFor={`threshold-${itemId}`}>Confidence threshold</label>
      <input
        id={`threshold-${itemId}`}
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={shown}
        onChange={(e) => commit(Number(e.target.value))}
      />
      <input
        type="number"
        aria-label="Confidence threshold value"
        min={0}
        max={1}
        step={0.05}
        value={shown}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && v >= 0 && v <= 1) commit(v);
        }}
      />
      <span className="small muted">{belowThreshold} below it are hidden and left in</span>
    </div>
  );
}
