/** A unified diff as lines a person reads: added green, removed red, hunk headers muted. */
function lineClass(line: string): string {
  if (line.startsWith("+++") || line.startsWith("---")) return "diff-file";
  if (line.startsWith("@@")) return "diff-hunk";
  if (line.startsWith("+")) return "diff-add";
  if (line.startsWith("-")) return "diff-del";
  return "diff-same";
}

export function DiffView(props: { diff: string; label: string; testId: string }) {
  if (props.diff === "") {
    return (
      <p class="muted" data-testid={props.testId}>
        {props.label}: no change.
      </p>
    );
  }
  const lines = props.diff.replace(/\n$/, "").split("\n");
  return (
    <figure class="diff">
      <figcaption>{props.label}</figcaption>
      <pre class="output diff" data-testid={props.testId}>
        {lines.map((line) => (
          <span class={lineClass(line)}>{`${line}\n`}</span>
        ))}
      </pre>
    </figure>
  );
}
