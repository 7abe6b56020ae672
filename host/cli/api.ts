import { FastifyInstance } from "fastify";
import { ApiErrorBody } from "../http/errors";
import { buildServer } from "../http/server";
import { CliError } from "./io";
import { LazyStore } from "./lazy-store";

/** For error messages: which command-line flag or argument fills which API field. */
export type FieldNames = Readonly<Record<string, string>>;

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return typeof error === "object" && error !== null && "message" in error && typeof error.message === "string";
}

/** "shopIds[1] must be ..." -> "--shop must be ...", in the words of the command line. */
function cliMessage(body: ApiErrorBody, names: FieldNames): string {
  const { message, field } = body.error;
  if (field === undefined) return message;
  const base = field.replace(/\[\d+\]$/, "");
  const name = names[base];
  return name !== undefined && message.startsWith(field) ? name + message.slice(field.length) : message;
}

/**
 * The CLI runs every command through the HTTP API in-process (fastify inject, no socket): the
 * same schemas, the same checks and the same messages as over the network, and a request that
 * fails validation never touches the database.
 */
export class InProcessApi {
  private readonly app: FastifyInstance;

  constructor(private readonly store: LazyStore) {
    this.app = buildServer(store);
  }

  async call<T>(method: "GET" | "POST", url: string, body?: object, names: FieldNames = {}): Promise<T> {
    const response = await this.app.inject({
      method: method,
      url: url,
      payload: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { "content-type": "application/json" },
    });
    const parsed: unknown = response.body === "" ? undefined : JSON.parse(response.body);
    if (response.statusCode < 400) return parsed as T;
    if (this.store.failure !== undefined) throw new CliError(`cannot open the database ${this.store.path}: ${this.store.failure.message}`);
    throw new CliError(isErrorBody(parsed) ? cliMessage(parsed, names) : `the request failed with status ${response.statusCode}`);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.store.close();
  }
}
