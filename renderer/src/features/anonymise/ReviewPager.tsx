import { REVIEW_PAGE_SIZE } from '../../../../shared/pii/review-segments';

/** Previous / next page of a long text, with where the current page lies in it. */
export function ReviewPager({
  start,
  end,
  textLength,
  onPage,
}: {
  start: number;
  end: number;
  textLength: number;
  onPage: (start: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(textLength / REVIEW_PAGE_SIZE));
  if (pages <= 1) return null;
  const pageNumber = Math.floor(start / REVIEW_PAGE_SIZE) + 1;
  return (
    <div className="anon-pager" aria-label="Pages">
      <button type="button" disabled={start === 0} onClick={() => onPage(Math.max(0, start - REVIEW_PAGE_SIZE))}>
        Previous page
      </button>
      <span className="small" aria-live="polite">
        Characters {start.toLocaleString()}–{end.toLocaleString()} of {textLength.toLocaleString()} (page {pageNumber} of {pages})
      </span>
      <button type="button" disabled={end >= textLength} onClick={() => onPage(end)}>
        Next page
      </button>
    </div>
  );
}
