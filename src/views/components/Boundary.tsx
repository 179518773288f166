// Keeps one broken view from taking the page down (issue 13, item 2): every panel and tab sits in
// a Boundary, which shows what failed (escaped, clipped) and a way to try again, and leaves
// everything around it working.
import { Component, type ReactNode } from 'react';
import { escapeUntrusted } from '../../kernels/schema';

interface Props {
  name: string;
  children: ReactNode;
  /** What to show instead, given the error (default: a sentence and a Try again button). */
  fallback?: (error: string, retry: () => void) => ReactNode;
}

export class Boundary extends Component<Props, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: escapeUntrusted(e instanceof Error ? e.message : String(e), 300) };
  }
  componentDidCatch(error: unknown) {
    console.warn(`The ${this.props.name} view failed:`, error);
  }
  private retry = () => this.setState({ error: null });
  render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (this.props.fallback) return this.props.fallback(error, this.retry);
    return (
      <div className="banner bad view-failed" role="alert" data-testid="view-failed">
        The {this.props.name} view failed: {error}{' '}
        <button type="button" className="small" onClick={this.retry}>
          Try again
        </button>
      </div>
    );
  }
}
