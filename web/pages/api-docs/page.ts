import { html } from "htm/preact";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";
import { t, type Lang } from "../../i18n";

export type ApiDocsProps = { lang: Lang; script: string; specUrl: string; homeName: string | null };

/** The reader's chrome above the reference (in their language); the reference itself is the English document. */
const CHROME = `
body{margin:0}
.api-docs-bar{display:flex;flex-wrap:wrap;gap:.5rem 1.25rem;align-items:center;padding:.6rem 1rem;border-bottom:1px solid #e5e7eb;font:15px/1.4 system-ui,sans-serif;background:#fff}
.api-docs-bar strong{margin-right:auto}
.api-docs-bar a{color:#4338ca}
.api-docs-nojs{padding:1rem;font:15px/1.4 system-ui,sans-serif}
`;

function ApiDocsPage({ lang, script, specUrl, homeName }: ApiDocsProps): VNode {
  const title = t(lang, "api_docs.title");
  return html`<html lang=${lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${homeName ? `${title} · ${homeName}` : title}</title>
      <style>${CHROME}</style>
    </head>
    <body>
      <nav class="api-docs-bar" aria-label=${title}>
        <strong>${title}</strong>
        <a href=${specUrl} download="openapi.json">${t(lang, "api_docs.download")}</a>
        <a href="/">${homeName ? t(lang, "api_docs.back_to", { name: homeName }) : t(lang, "api_docs.home")}</a>
      </nav>
      <noscript><p class="api-docs-nojs">${t(lang, "api_docs.needs_js")} <a href=${specUrl}>openapi.json</a></p></noscript>
      <redoc spec-url=${specUrl} hide-hostname="true" path-in-middle-panel="true"></redoc>
      <script src=${script}></script>
    </body>
  </html>`;
}

/** The whole document of `/api/docs`: Redoc reads `spec-url` from the `<redoc>` element itself, so no inline script. */
export const apiDocsDocument = (props: ApiDocsProps) => `<!doctype html>${render(ApiDocsPage(props))}`;
