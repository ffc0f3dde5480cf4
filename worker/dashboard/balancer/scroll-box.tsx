import type { Child } from "hono/jsx";

/** A wide table that scrolls inside its own box on a narrow screen, not the page. */
export function ScrollBox(props: { id: string; label: string; children: Child }) {
  return (
    <section
      class="table-scroll"
      id={props.id}
      aria-label={props.label}
      tabindex={0}
      data-keep-scroll
    >
      {props.children}
    </section>
  );
}
