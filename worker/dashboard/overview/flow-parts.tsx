// Shapes and words shared by the flow diagram's drawings (flow-diagram.tsx draws clients and
// DNS, flow-lane.tsx one member's lane). Units are the drawings': scaled to the page.

/** A lane's width: one member, its frontends and its backends, side by side with the others. */
export const LANE_WIDTH = 340;
/** One line of small text, and the most servers a backend lists before "N more". */
export const LINE = 15;
export const MAX_SERVERS = 6;

export function Box(props: { x: number; y: number; w: number; h: number }) {
  return <rect x={props.x} y={props.y} width={props.w} height={props.h} rx="6" />;
}

/** The arrowhead a drawing's arrows end in (`marker-end="url(#id)"`), one per SVG. */
export function ArrowMarker(props: { id: string }) {
  return (
    <defs>
      <marker
        id={props.id}
        viewBox="0 0 10 10"
        refX="9"
        refY="5"
        markerWidth="6"
        markerHeight="6"
        orient="auto"
      >
        <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
      </marker>
    </defs>
  );
}
