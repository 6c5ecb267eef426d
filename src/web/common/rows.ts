import type { KeyboardEvent } from 'react';

function moveFocus(event: KeyboardEvent<HTMLTableRowElement>, direction: 1 | -1) {
  event.preventDefault();
  const rows = Array.from(event.currentTarget.parentElement?.querySelectorAll<HTMLTableRowElement>('tr[tabindex]') ?? []);
  rows[rows.indexOf(event.currentTarget) + direction]?.focus();
}

/** Props of a table row that opens something: a click or Enter opens it, the arrow keys move between such rows. */
export function openableRow(open: () => void) {
  return {
    tabIndex: 0,
    className: 'clickable-row',
    onClick: open,
    onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => {
      if (event.target !== event.currentTarget) return;
      if (event.key === 'Enter') {
        event.preventDefault();
        open();
      } else if (event.key === 'ArrowDown') moveFocus(event, 1);
      else if (event.key === 'ArrowUp') moveFocus(event, -1);
    },
  };
}
