// Keeps the address bar and the store in step: the page opens the experiment its link names,
// every edit updates the link (replaceState, so Back is not flooded), and pasting a new link
// into the same tab loads it.
import { parseLink, serializeLink } from './url';
import { useLab } from './store';

let lastWritten = '';

function applyHash(hash: string) {
  const parsed = parseLink(hash);
  useLab.setState({ experiment: parsed.experiment, linkProblems: parsed.problems, result: null, sweepPoints: [], sweepExperiment: null });
  if (parsed.problems.length === 0 && !parsed.empty) lastWritten = hash;
  else if (parsed.problems.length) {
    // Show in the address bar what is actually used, so a re-shared link is clean.
    lastWritten = serializeLink(parsed.experiment);
    history.replaceState(null, '', lastWritten);
  }
}

export function startUrlSync() {
  applyHash(window.location.hash);
  useLab.subscribe((state, previous) => {
    if (state.experiment === previous.experiment) return;
    const hash = serializeLink(state.experiment);
    if (hash === lastWritten) return;
    lastWritten = hash;
    history.replaceState(null, '', hash);
  });
  window.addEventListener('hashchange', () => {
    if (window.location.hash === lastWritten) return;
    applyHash(window.location.hash);
  });
}

export function shareLink(): string {
  const url = new URL(window.location.href);
  url.hash = serializeLink(useLab.getState().experiment);
  return url.toString();
}
