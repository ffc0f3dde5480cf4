import type { Child } from "hono/jsx";

// Enough style to be legible; the dashboard's own pages bring their own layout.
const CSS = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }
main { max-width: 24rem; margin: 10vh auto; padding: 2rem; background: #fff; border-radius: 8px;
  box-shadow: 0 1px 3px rgb(0 0 0 / 0.12); }
h1 { font-size: 1.4rem; margin-top: 0; }
label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
input { width: 100%; box-sizing: border-box; padding: 0.5rem; font: inherit; }
button { margin-top: 1.5rem; padding: 0.5rem 1rem; font: inherit; }
.alert { padding: 0.75rem; border-radius: 4px; background: #fdecea; color: #8a1c12; }
.hint { font-size: 0.875rem; color: #555; margin: 0.25rem 0 0; }
`;

/** The bare page around the sign-in, setup and refusal pages. */
export function AuthLayout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Baton`}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}

/** An error or notice, announced by screen readers as it appears. */
export function Alert(props: { message: string | undefined }) {
  if (!props.message) return null;
  return (
    <p class="alert" role="alert">
      {props.message}
    </p>
  );
}
