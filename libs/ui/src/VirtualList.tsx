import {
  type KeyboardEvent,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { isNavigationKey, moveSelection, scrollTopToReveal, visibleWindow } from './virtual-window';

export interface VirtualListProps<Item> {
  items: readonly Item[];
  /** Every row's height in px: fixed, which is what lets 100,000 rows scroll without measuring any. */
  rowHeight: number;
  /** The viewport's height in px. */
  height: number;
  renderRow: (item: Item, index: number, selected: boolean) => ReactNode;
  /** The selected row's index (controlled); -1 for none. */
  selectedIndex: number;
  onSelect: (index: number) => void;
  /** Enter or double click on a row. */
  onActivate?: (index: number) => void;
  label: string;
  /** Keep the view at the end while new items arrive, unless the user scrolled up (a tail -f). */
  follow?: boolean;
  overscan?: number;
}

/**
 * A list that renders only the rows in view (plus an overscan), for frame logs and the like. It is one focusable
 * listbox: arrows, Page Up/Down, Home and End move the selection and scroll it into view; Enter activates.
 */
export function VirtualList<Item>({
  items,
  rowHeight,
  height,
  renderRow,
  selectedIndex,
  onSelect,
  onActivate,
  label,
  follow = false,
  overscan = 8,
}: VirtualListProps<Item>) {
  const viewport = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const [scrollTop, setScrollTop] = useState(0);
  const atEnd = useRef(true);
  const rowWindow = visibleWindow({ scrollTop, viewportHeight: height, rowHeight, rowCount: items.length, overscan });

  const reveal = useCallback(
    (index: number) => {
      const element = viewport.current;
      if (!element || index < 0) return;
      const top = scrollTopToReveal(index, element.scrollTop, height, rowHeight);
      if (top !== element.scrollTop) element.scrollTop = top;
    },
    [height, rowHeight],
  );

  useLayoutEffect(() => {
    const element = viewport.current;
    if (follow && element && atEnd.current) element.scrollTop = element.scrollHeight;
  }, [follow, items.length]);

  useEffect(() => reveal(selectedIndex), [reveal, selectedIndex]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (isNavigationKey(event.key)) {
      event.preventDefault();
      const pageSize = Math.floor(height / rowHeight);
      onSelect(moveSelection(event.key, selectedIndex, items.length, pageSize));
    } else if (event.key === 'Enter' && selectedIndex >= 0 && onActivate) {
      event.preventDefault();
      onActivate(selectedIndex);
    }
  };

  const rows: ReactNode[] = [];
  for (let index = rowWindow.start; index < rowWindow.end; index++) {
    const selected = index === selectedIndex;
    rows.push(
      <div
        key={index}
        role="option"
        id={`${idPrefix}-row-${index}`}
        aria-selected={selected}
        aria-posinset={index + 1}
        aria-setsize={items.length}
        className="fg-vrow"
        style={{ height: rowHeight }}
        onMouseDown={() => onSelect(index)}
        onDoubleClick={onActivate && (() => onActivate(index))}
      >
        {renderRow(items[index], index, selected)}
      </div>,
    );
  }

  return (
    <div
      ref={viewport}
      className="fg-vlist"
      style={{ height }}
      role="listbox"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={selectedIndex >= 0 ? `${idPrefix}-row-${selectedIndex}` : undefined}
      onKeyDown={onKeyDown}
      onScroll={(event) => {
        const element = event.currentTarget;
        atEnd.current = element.scrollTop + element.clientHeight >= element.scrollHeight - rowHeight;
        setScrollTop(element.scrollTop);
      }}
    >
      <div style={{ height: rowWindow.totalHeight, position: 'relative' }}>
        <div style={{ transform: `translateY(${rowWindow.offsetTop}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
