/**
 * Every failure leaves the API as `{ error: { code, message } }` with a 4xx or 5xx status, and
 * never with a stack trace: validation failures name the field and what it must be, registry
 * failures keep their code, and anything unexpected is logged and answered with a bare 500.
 */
import { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { CoreError, CoreErrorCode } from "../core/core-error";
import { StoreBusyError } from "../store/store";
import { BODY_LIMIT, PATTERN_HINTS } from "./schemas";

export type ApiErrorCode =
  | CoreErrorCode
  | "UNAUTHENTICATED"
  | "SERVICE_BUSY"
  | "MISDIRECTED_REQUEST"
  | "CROSS_SITE_REQUEST"
  | "RATE_LIMITED"
  | "HEADERS_TOO_LARGE"
  | "MALFORMED_JSON"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "BAD_REQUEST"
  | "INTERNAL";

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** For validation failures: the offending field's path, e.g. "publicKey" or "shopIds[1]". */
    field?: string;
  };
}

export function errorBody(code: ApiErrorCode, message: string, field?: string): ApiErrorBody {
  return { error: field === undefined ? { code: code, message: message } : { code: code, message: message, field: field } };
}

const CORE_STATUS: Record<CoreErrorCode, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  DUPLICATE: 409,
  CONFLICT: 409,
  WEAK_KEY: 422,
  PROOF_INVALID: 422,
  FIRMWARE_NOT_APPROVED: 422,
};

export function sendError(reply: FastifyReply, status: number, code: ApiErrorCode, message: string): FastifyReply {
  return reply.code(status).send(errorBody(code, message));
}

export function sendCoreError(reply: FastifyReply, error: CoreError): FastifyReply {
  return sendError(reply, CORE_STATUS[error.code], error.code, error.message);
}

/** One Ajv error, as fastify hands it over. */
interface SchemaIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const CONTEXT_NAMES: Record<string, string> = { body: "body", querystring: "query", params: "path", headers: "headers" };

/** "/shopIds/1" -> "shopIds[1]". */
function fieldPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === "" ? part : `${path}.${part}`), "");
}

function joinField(parent: string, child: string): string {
  return parent === "" ? child : `${parent}.${child}`;
}

/** A sentence for the first schema violation, and the field it is about. */
export function describeSchemaIssue(issue: SchemaIssue, context: string): { message: string; field: string | undefined } {
  const where = CONTEXT_NAMES[context] ?? context;
  const path = fieldPath(issue.instancePath);
  const subject = path === "" ? where : path;
  const params = issue.params;
  switch (issue.keyword) {
    case "required": {
      const field = joinField(path, String(params.missingProperty));
      return { message: `${field} is required`, field: field };
    }
    case "additionalProperties": {
      const field = joinField(path, String(params.additionalProperty));
      return { message: `${field} is not a known field of the ${where}`, field: field };
    }
    case "pattern":
      return { message: `${subject} ${PATTERN_HINTS[String(params.pattern)] ?? "has the wrong format"}`, field: path || undefined };
    case "enum": {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map((value) => JSON.stringify(value)).join(", ") : "";
      return { message: `${subject} must be one of ${allowed}`, field: path || undefined };
    }
    case "type":
      // A query parameter given twice arrives as an array.
      if (context === "querystring" && path !== "") return { message: `${subject} must be given once`, field: path };
      return { message: `${subject} must be ${article(String(params.type))}`, field: path || undefined };
    default:
      return { message: `${subject} ${issue.message ?? "is invalid"}`, field: path || undefined };
  }
}

function article(type: string): string {
  const kinds: Record<string, string> = { object: "a JSON object", array: "an array", integer: "a whole number", string: "a string" };
  return kinds[type] ?? `a ${type}`;
}

/** Fastify's own error codes for bodies it cannot parse. */
const PARSE_ERRORS: Record<string, { status: number; code: ApiErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "PAYLOAD_TOO_LARGE", message: `the request body is larger than ${BODY_LIMIT} bytes` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "UNSUPPORTED_MEDIA_TYPE",
    message: "send the body as JSON with content-type: application/json",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "MALFORMED_JSON", message: "the body is empty but its content-type says JSON" },
  // Also raised for a "__proto__" or "constructor.prototype" key (prototype poisoning).
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "MALFORMED_JSON", message: "the body is not valid JSON" },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "BAD_REQUEST", message: "the content-length does not match the body" },
};

/** Seconds a client should wait before retrying when the database stayed locked. */
const BUSY_RETRY_AFTER_S = 1;

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof StoreBusyError) {
    reply.header("retry-after", String(BUSY_RETRY_AFTER_S));
    return reply.code(503).send(errorBody("SERVICE_BUSY", "the database is busy: try again in a second"));
  }
  if (error.validation !== undefined && error.validation.length > 0) {
    const { message, field } = describeSchemaIssue(error.validation[0], error.validationContext ?? "body");
    return reply.code(400).send(errorBody("INVALID_INPUT", message, field));
  }
  const known = error.code === undefined ? undefined : PARSE_ERRORS[error.code];
  if (known !== undefined) return reply.code(known.status).send(errorBody(known.code, known.message));
  const status = typeof error.statusCode === "number" ? error.statusCode : 500;
  if (status >= 400 && status < 500) return reply.code(status).send(errorBody("BAD_REQUEST", error.message));
  request.log.error({ err: error }, "request failed");
  return reply.code(500).send(errorBody("INTERNAL", "internal error: the request was not completed"));
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split("?")[0];
  return reply.code(404).send(errorBody("NOT_FOUND", `no route ${request.method} ${path}`));
}
