// Keeps one broken part of the exercises' pages from blanking the page.
import { Component, type ReactNode } from 'react';

export class Boundary extends Component<{ name: string; children: ReactNode }, { error: string | null }> {
  state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  render() {
    if (this.state.error) {
      return (
        <p className="bad" role="alert">
          The {this.props.name} view failed: {this.state.error}
        </p>
      );
    }
    return this.props.children;
  }
}
