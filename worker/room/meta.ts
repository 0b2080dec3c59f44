import { isLang, type Lang } from "./protocol";

/**
 * The room's own facts, in `room_meta`: which group it serves (the first call names it
 * and it sticks), the tenant's language, and the notice queue's batch number and retry time.
 */
export class RoomMeta {
  /** The tenant's language (names the default levels; the fallback for a socket that did not say). */
  lang: Lang = "fr";

  constructor(private readonly sql: SqlStorage) {}

  static migrate(sql: SqlStorage): void {
    sql.exec("create table if not exists room_meta (key text primary key, value text not null);");
  }

  /** Reads the stored language: run once the tables exist. */
  load(): void {
    const lang = this.get("lang");
    if (isLang(lang)) this.lang = lang;
  }

  get(key: string): string | null {
    const row = this.sql.exec<{ value: string }>("select value from room_meta where key = ?", key).toArray()[0];
    return row?.value ?? null;
  }

  set(key: string, value: string): void {
    this.sql.exec("insert into room_meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value", key, value);
  }

  /**
   * The Worker tells the room which group it is on every call; the first one sticks.
   * Answers whether the language changed (the default levels are then named anew).
   */
  bind(tenantId: string, groupId: string, lang?: Lang): boolean {
    const known = this.get("tenant_id");
    if (known === null) {
      this.sql.exec("insert into room_meta (key, value) values ('tenant_id', ?), ('group_id', ?)", tenantId, groupId);
    } else if (known !== tenantId || this.get("group_id") !== groupId) {
      throw new Error("room bound to another group");
    }
    if (!lang || lang === this.lang) return false;
    this.lang = lang;
    this.set("lang", lang);
    return true;
  }

  /** The group the room serves, once bound. */
  group(): { tenantId: string; groupId: string } | null {
    const tenantId = this.get("tenant_id");
    const groupId = this.get("group_id");
    return tenantId && groupId ? { tenantId, groupId } : null;
  }
}
