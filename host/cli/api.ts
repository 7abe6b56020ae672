import { readFileSync } from "node:fs";
import { ApiClient, ApiCredential, ApiResponse } from "../client/api-client";
import { ApiMethod, TransportError } from "../client/transports";
import { ApiErrorBody } from "../http/errors";
import { CliError } from "./io";

/** For error messages: which command-line flag or argument fills which API field. */
export type FieldNames = Readonly<Record<string, string>>;

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = value.error;
  return typeof error === "object" && error !== null && "message" in error && typeof error.message === "string" && "code" in error;
}

/** "shopIds[1] must be ..." -> "--shop must be ...", in the words of the command line. */
function cliMessage(body: ApiErrorBody, names: FieldNames): string {
  const { message, field } = body.error;
  if (field === undefined) return message;
  const base = field.replace(/\[\d+\]$/, "");
  const name = names[base];
  return name !== undefined && message.startsWith(field) ? name + message.slice(field.length) : message;
}

const CREDENTIAL_HINT =
  "give an API token with STAMP_TOKEN=… or --token-file <file> (`stamp init` wrote the operator's), or a station's key with --station-key <file>";

/**
 * Every CLI command goes through the HTTP API: in process on a local database (Fastify's
 * inject, no socket) or over the network with --url. Either way the same authentication, the
 * same schemas, checks and messages as any other client, and a request that fails validation
 * or authorization never touches the database.
 */
export class CliApi {
  constructor(
    private readonly client: ApiClient,
    private readonly credential: ApiCredential,
    private readonly where: string,
  ) {}

  async send(method: ApiMethod, url: string, body?: object): Promise<ApiResponse> {
    try {
      return await this.client.request(method, url, body);
    } catch (error) {
      if (error instanceof TransportError) throw new CliError(error.message);
      throw error;
    }
  }

  async call<T>(method: ApiMethod, url: string, body?: object, names: FieldNames = {}): Promise<T> {
    const response = await this.send(method, url, body);
    if (response.status < 400) return response.body as T;
    if (response.status === 401 && this.credential.kind === "none") throw new CliError(`${this.where} needs a credential: ${CREDENTIAL_HINT}`);
    if (isErrorBody(response.body)) throw new CliError(cliMessage(response.body, names));
    throw new CliError(`the request failed with status ${response.status}`);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The token from STAMP_TOKEN or a token file (its first line), if any. */
export function tokenCredential(tokenFile: string | undefined, environment: NodeJS.ProcessEnv): ApiCredential {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(tokenFile, "utf8");
    } catch (error) {
      throw new CliError(`cannot read the token file ${tokenFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const token = text.split("\n")[0].trim();
    if (token === "") throw new CliError(`the token file ${tokenFile} is empty`);
    return { kind: "token", token: token };
  }
  const token = environment.STAMP_TOKEN?.trim();
  return token === undefined || token === "" ? { kind: "none" } : { kind: "token", token: token };
}
