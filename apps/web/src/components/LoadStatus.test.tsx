import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ErrorAlert, LoadStatus } from './LoadStatus';

describe('LoadStatus', () => {
  it('shows the loading line while the read is in flight', () => {
    render(<LoadStatus result={{ state: 'loading' }} loading="Loading things…" />);
    expect(screen.getByRole('status').textContent).toBe('Loading things…');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('announces the error of a failed read', () => {
    render(<LoadStatus result={{ state: 'error', message: 'gateway down' }} loading="Loading things…" />);
    expect(screen.getByRole('alert').textContent).toBe('gateway down');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('shows nothing once the data is there', () => {
    const { container } = render(<LoadStatus result={{ state: 'ready', data: [] }} loading="Loading things…" />);
    expect(container.innerHTML).toBe('');
  });
});

describe('ErrorAlert', () => {
  it('renders nothing without a message', () => {
    const { container } = render(<ErrorAlert message="" />);
    expect(container.innerHTML).toBe('');
  });
});
