/** The absolute text offset of a DOM position inside the rendered page, through the runs' data-start attributes. */
export function offsetOf(root: HTMLElement, node: Node, offset: number): number | null {
  if (!root.contains(node)) return null;
  if (node.nodeType === Node.TEXT_NODE) {
    const run = node.parentElement?.closest<HTMLElement>('[data-start]');
    if (!run || !root.contains(run)) return null;
    // Each run holds exactly one text node, and DOM offsets in text nodes are UTF-16 code units, like the contract's.
    return Number(run.dataset.start) + offset;
  }
  if (!(node instanceof HTMLElement)) return null;
  if (node !== root && node.dataset.start !== undefined) {
    return Number(node.dataset.start) + (offset === 0 ? 0 : (node.textContent ?? '').length);
  }
  const runs = [...root.querySelectorAll<HTMLElement>('[data-start]')];
  const child = node.childNodes[offset];
  const after =
    child instanceof HTMLElement ? (child.dataset.start !== undefined ? child : child.querySelector<HTMLElement>('[data-start]')) : null;
  if (after) return Number(after.dataset.start);
  const last = runs[runs.length - 1];
  return last ? Number(last.dataset.start) + (last.textContent ?? '').length : null;
}

/** The DOM position of an absolute offset on the rendered page. */
export function positionOf(root: HTMLElement, offset: number): { node: Node; offset: number } | null {
  for (const run of root.querySelectorAll<HTMLElement>('[data-start]')) {
    const start = Number(run.dataset.start);
    const length = (run.textContent ?? '').length;
    if (offset >= start && offset <= start + length && run.firstChild) return { node: run.firstChild, offset: offset - start };
  }
  return null;
}
