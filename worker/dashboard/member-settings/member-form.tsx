import { Input, Textarea } from "../common/fields";
import type { FormState } from "../common/form-fields";
import type { MemberField, MemberFormInput } from "./form";

/** The member forms' ids and testids (`member-name`, `field-error-name`), which tests use. */
const named = (field: MemberField) => ({
  name: field,
  id: `member-${field}`,
  testId: `member-${field}`,
  errorTestId: `field-error-${field}`,
});

interface MemberFieldsProps {
  state: FormState;
  /** The member as stored (Settings); Add member starts empty. */
  stored?: MemberFormInput;
  /** Add member: an empty priority takes the default (100). */
  priorityOptional?: boolean;
}

/** Name, hostname, allowed IPs and priority: the fields of CreateMember and UpdateMember. */
export function MemberFields({ state, stored, priorityOptional = false }: MemberFieldsProps) {
  return (
    <>
      <Input
        {...named("name")}
        label="Name"
        state={state}
        value={stored?.name}
        hint="How the dashboard and events name this member."
        maxlength={100}
        required
      />
      <Input
        {...named("hostname")}
        label="Hostname"
        state={state}
        value={stored?.hostname}
        hint="The VM's hostname. Its agent must report exactly this name, or its heartbeats are refused."
        required
      />
      <Textarea
        {...named("allowedIps")}
        label="Allowed IPs"
        state={state}
        value={stored?.allowedIps}
        hint="One IPv4/IPv6 address or CIDR range per line: the addresses the agent connects from. 0.0.0.0/0 and ::/0 allow any."
        required
      />
      <Input
        {...named("priority")}
        label={priorityOptional ? "Priority (optional)" : "Priority"}
        type="number"
        state={state}
        value={stored?.priority}
        hint={`0 to 1000; the ready standby with the lowest number takes over first.${priorityOptional ? " Empty: 100." : ""}`}
        required={!priorityOptional}
      />
    </>
  );
}
