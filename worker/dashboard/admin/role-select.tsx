import { Role } from "../../../shared/tokens";
import { Select } from "../common/fields";
import type { FormState } from "../common/form-fields";

/** What each role may do, as users and API tokens share the same roles. */
const ROLE_HELP: Record<Role, string> = {
  viewer: "viewer: reads everything, changes nothing",
  operator: "operator: also jobs, cutover, drain, schedules",
  admin: "admin: also settings, DNS credentials, users and API tokens",
};

/** The role field of a form that creates a user or an API token; viewer unless chosen. */
export function RoleSelect({ id, state }: { id: string; state: FormState }) {
  return (
    <Select
      name="role"
      id={id}
      label="Role"
      state={state}
      options={Role.options.map((role) => ({ value: role, label: ROLE_HELP[role] }))}
      selected="viewer"
    />
  );
}
