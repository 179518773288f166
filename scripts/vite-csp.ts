// Build step: a strict Content-Security-Policy for the built site, as a <meta> tag (a static site
// cannot rely on its host's headers). No inline script and no eval anywhere; scripts, workers,
// styles and network requests from the site's own origin only. The dev server (npm start) runs
// without it: Vite's hot reload injects an inline script.
//
// What is allowed beyond 'self', and why:
//  - style-src 'unsafe-inline': plotly and d3 write `style` attributes and plotly inserts its own
//    style rules at run time; no script can run from a style, so this does not weaken script-src;
//  - img-src data: blob:: chart downloads (plotly renders PNG/SVG through data URLs) and the
//    error heatmap's PNG export.
import type { Plugin } from 'vite';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'kernel-lab-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      // Right after the charset declaration, before any script or style the policy governs.
      handler: (html) => {
        const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
        if (!/<meta charset="UTF-8" \/>/.test(html)) throw new Error('index.html lost its <meta charset>: cannot place the CSP after it');
        return html.replace(/<meta charset="UTF-8" \/>/, (charset) => `${charset}\n    ${meta}`);
      },
    },
  };
}
