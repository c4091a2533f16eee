// Search and filters above the board: words in the title or description, a status, who proposed.
import type { ActivityStatus } from '@trellis/schema';
import type { BoardFilter } from './board-filter.ts';
import { isFiltering, NO_FILTER } from './board-filter.ts';
import { STATUS_LABEL, STATUSES } from './status-labels.ts';

interface Props {
  filter: BoardFilter;
  onChange: (f: BoardFilter) => void;
  people: readonly { id: string; name: string }[];
  shown: number;
  total: number;
}

export function BoardToolbar({ filter, onChange, people, shown, total }: Props) {
  return (
    <div className="board-toolbar" role="search" aria-label="Filter activities">
      <div className="field search-field">
        <label htmlFor="board-search">Search</label>
        <input
          id="board-search"
          type="search"
          aria-keyshortcuts="/"
          value={filter.query}
          placeholder="Title or description (/)"
          onChange={(e) => onChange({ ...filter, query: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape' && filter.query) {
              e.preventDefault();
              onChange({ ...filter, query: '' });
            }
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="board-status">Status</label>
        <select id="board-status" value={filter.status} onChange={(e) => onChange({ ...filter, status: e.target.value as ActivityStatus | 'all' })}>
          <option value="all">All statuses</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="board-person">Proposed by</label>
        <select id="board-person" value={filter.person} onChange={(e) => onChange({ ...filter, person: e.target.value })}>
          <option value="all">Anyone</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <p className="board-filter-summary" role="status">
        {isFiltering(filter) && (
          <>
            <span data-testid="board-shown">
              {shown} of {total} shown
            </span>
            <button type="button" className="small ghost" onClick={() => onChange(NO_FILTER)}>
              Clear filters
            </button>
          </>
        )}
      </p>
    </div>
  );
}
