/**
 * ADMIN_EMAILS (docs/configuration.md): the first members of ADMIN_GROUP on a fresh
 * deployment. The seed runs only while the group does not exist, and creating the group is
 * what marks it done (the primary key decides, so two first requests seed once). After that
 * the group belongs to the admins: someone they removed is never added back by this key, and
 * the group itself cannot be deleted (src/admin/groups.ts), so the seed never runs again.
 */
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { createUser, findUserByEmail } from "../users/store";
import { addMember, createGroup, findGroup } from "./store";

/** Seeds ADMIN_GROUP from ADMIN_EMAILS when it does not exist yet; does nothing otherwise. */
export async function seedAdminGroup(db: Database, config: Pick<Config, "adminGroup" | "adminEmails">): Promise<void> {
  if (config.adminEmails.length === 0 || (await findGroup(db, config.adminGroup))) return;
  if (!(await createGroup(db, config.adminGroup))) return;
  for (const email of config.adminEmails) {
    const user = (await findUserByEmail(db, email)) ?? (await createUser(db, { email })) ?? (await findUserByEmail(db, email));
    if (user) await addMember(db, config.adminGroup, user.id);
  }
  await recordEvent(db, {
    event: "group_created",
    reason: "admin_emails",
    detail: { group: config.adminGroup, members: config.adminEmails.length },
  });
}
