// Registry failures as API errors. dockerd answers most of them with 500; badidea keeps Docker's messages but
// gives a status that says whose problem it is (never a 500 for a missing image or bad credentials).
//
// Pull auth failures are 403, not 401: the docker CLI answers a 401 on /images/create by prompting for a login
// (client/image_pull.go PrivilegeFunc), which dockerd's 500 never triggers; 403 keeps the CLI's output Docker's.

import {
  type ApiError,
  Forbidden,
  Internal,
  InvalidParameter,
  NotFound,
  Unauthorized,
  Unavailable,
} from '../../errors.ts';
import { InvalidAuthError } from '../../registry/auth.ts';
import { InvalidRegistryOptionError } from '../../registry/endpoints.ts';
import { RegistryError } from '../../registry/errors.ts';
import { InvalidPlatformError } from '../../registry/platform.ts';
import { InvalidReferenceError } from '../../registry/reference.ts';

export function toApiError(err: unknown, op: 'pull' | 'login' = 'pull'): unknown {
  if (err instanceof InvalidReferenceError || err instanceof InvalidPlatformError || err instanceof InvalidAuthError) {
    return new InvalidParameter(err.message);
  }
  if (err instanceof InvalidRegistryOptionError) return new InvalidParameter(err.message);
  if (!(err instanceof RegistryError)) return err;
  let out: ApiError;
  switch (err.kind) {
    case 'not-found':
    case 'platform':
      out = new NotFound(err.message);
      break;
    case 'unauthorized':
      out = op === 'login' ? new Unauthorized(err.message) : new Forbidden(err.message);
      break;
    case 'denied':
      out = new Forbidden(err.message);
      break;
    case 'unavailable':
      out = new Unavailable(err.message);
      break;
    default:
      out = new Internal(err.message);
  }
  return out;
}
