import { validate } from 'class-validator';
import { dtoInstance } from './dto-instance.js';
import { VALIDATION_RULES } from './fast-route.js';

/**
 * A Socket.IO payload as a validated DTO instance, under the REST bodies' rules (whitelist, forbidNonWhitelisted), or
 * the message that names each bad field. A payload that is not an object is checked as an empty one, so the message
 * names the fields it lacks. Gateways take `unknown` and call this rather than the global pipe, whose exception
 * would reach a Socket.IO client as "Internal server error".
 */
export async function validatePayload<Dto extends object>(dto: new () => Dto, payload: unknown): Promise<Dto | string> {
  const instance = dtoInstance(
    dto,
    typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : {},
  );
  const errors = await validate(instance, VALIDATION_RULES);
  if (errors.length === 0) return instance;
  const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
  return [...new Set(messages)].join('; ');
}
