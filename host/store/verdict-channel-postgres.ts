/**
 * The verdict channel on PostgreSQL: NOTIFY on the store's pool, LISTEN on a connection of its
 * own (a pooled connection goes back to the pool and would stop listening). A listening
 * connection that breaks (the server restarted) is opened again after a second, until stopped.
 */
import { Client, Pool } from "pg";
import { VerdictChannel } from "./verdict-channel";

const CHANNEL = "stamp_verdicts";
const RECONNECT_MS = 1000;

export class PostgresVerdictChannel implements VerdictChannel {
  constructor(
    private readonly pool: Pool,
    private readonly url: string,
  ) {}

  async send(payload: string): Promise<void> {
    await this.pool.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]);
  }

  async listen(onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const connect = async (): Promise<void> => {
      const next = new Client({ connectionString: this.url, application_name: "stamp-verdicts" });
      next.on("notification", (message) => {
        if (message.channel === CHANNEL && message.payload !== undefined) onPayload(message.payload);
      });
      next.on("error", () => {
        void next.end().catch(() => undefined);
        if (!stopped && client === next) retry = setTimeout(() => void connect().catch(() => undefined), RECONNECT_MS);
      });
      client = next;
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    };
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  }
}
