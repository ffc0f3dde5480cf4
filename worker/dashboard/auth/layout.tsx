import type { Child } from "hono/jsx";

/** The bare page around the sign-in, setup and refusal pages. */
export function AuthLayout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · Baton`}</title>
        <link rel="icon" href="/dashboard/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/dashboard/auth.css" />
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
