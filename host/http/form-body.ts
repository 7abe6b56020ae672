import { FastifyInstance } from "fastify";

/**
 * Lets the routes of one plugin (never the JSON API's) read HTML form posts: a small
 * application/x-www-form-urlencoded body becomes an object of its fields, checked by each
 * route's schema like any body.
 */
export function acceptFormBodies(instance: FastifyInstance, bodyLimit: number): void {
  instance.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: bodyLimit }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
