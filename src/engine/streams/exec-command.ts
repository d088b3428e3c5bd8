// What a docker exec runs in the pod. Kubernetes exec takes a command and nothing else: no environment, no working
// directory, no user. When the exec asks for any of them the command is wrapped in a small POSIX sh script that
// exports Env, changes to WorkingDir and switches user with `su`, then execs the command; it also reports a command
// that cannot start with dockerd's exact text and exit code. Requirements on the image:
// - Env / WorkingDir: /bin/sh;
// - User (other than the container's own): /bin/sh, `su`, the user in /etc/passwd, and the container running as
//   root (switching users needs CAP_SETUID; an exec as another user of a non-root container is refused).
// Without a wrapper the command runs as is (distroless images work) and start failures come from the runtime.

import { InvalidParameter } from '../../errors.ts';

export interface ExecSpec {
  cmd: readonly string[];
  env: readonly string[];
  workingDir: string;
  user: string;
}

/** The exit code dockerd gives a process that could not start (moby translateContainerdStartErr). */
export function startFailureCode(message: string, cmd: string): number {
  if (
    (cmd === '' || message.includes(cmd)) &&
    /executable file not found|no such file or directory|system cannot find the file specified/.test(message)
  ) {
    return 127;
  }
  return 126;
}

/** dockerd's stream text for an exec that could not start (one stdout frame, CRLF). */
export function ociFailureText(detail: string): string {
  return `OCI runtime exec failed: exec failed: unable to start container process: ${detail}: unknown\r\n`;
}

const ROOT_USERS = new Set(['', '0', 'root']);

function userPart(user: string): { user: string; group?: string } {
  const i = user.indexOf(':');
  return i < 0 ? { user } : { user: user.slice(0, i), group: user.slice(i + 1) };
}

/** Whether the container's process runs as root (Config.User as merged with the image's). */
export function runsAsRoot(containerUser: string | undefined): boolean {
  return ROOT_USERS.has(userPart(containerUser ?? '').user);
}

/**
 * The user the exec must switch to, or undefined when the container's own user will do. 400 when the switch is
 * impossible (the container does not run as root).
 */
export function userSwitch(execUser: string, containerUser: string | undefined): string | undefined {
  if (execUser === '' || execUser === (containerUser ?? '')) return undefined;
  const want = userPart(execUser);
  const root = runsAsRoot(containerUser);
  if (root && ROOT_USERS.has(want.user) && (want.group === undefined || ROOT_USERS.has(want.group))) return undefined;
  if (!root) {
    throw new InvalidParameter(
      `cannot exec as user "${execUser}": Kubernetes runs exec as the container's user ("${containerUser}"), and a non-root container cannot switch users`,
    );
  }
  return execUser;
}

// $1 workdir, $2 user, then Env entries up to "--", then the command. Output on failure mimics dockerd.
const WRAPPER = `d=$1 u=$2; shift 2
while [ "$1" != -- ]; do case $1 in *=*) export "$1" ;; *) unset "$1" ;; esac; shift; done; shift
oci() { printf 'OCI runtime exec failed: exec failed: unable to start container process: %s: unknown\\r\\n' "$1"; exit "$2"; }
if [ -n "$d" ]; then cd "$d" 2>/dev/null || oci "chdir to cwd (\\"$d\\") set in config.json failed: no such file or directory" 126; fi
c=$1
case $c in
*/*) [ -e "$c" ] || oci "exec: \\"$c\\": stat $c: no such file or directory" 127
  [ -d "$c" ] && oci "exec: \\"$c\\": is a directory" 126
  [ -x "$c" ] || oci "exec: \\"$c\\": permission denied" 126 ;;
*) [ -n "$(command -v -- "$c" 2>/dev/null)" ] || oci "exec: \\"$c\\": executable file not found in \\$PATH" 127 ;;
esac
[ -z "$u" ] && exec "$@"
n=\${u%%:*} g=; case $u in *:*) g=\${u#*:} ;; esac
e=; while IFS=: read -r pn px pu pg pr; do if [ "$pn" = "$n" ] || [ "$pu" = "$n" ]; then e="$pn:$pu:$pg"; break; fi; done < /etc/passwd
[ -n "$e" ] || { case $n in *[!0-9]*) printf 'unable to find user %s: no matching entries in passwd file\\r\\n' "$n" ;;
  *) printf 'badidea: exec as uid %s needs a user with that uid in /etc/passwd: Kubernetes exec runs as the container user, the switch goes through su\\r\\n' "$n" ;; esac; exit 126; }
pn=\${e%%:*} pg=\${e##*:}
if [ -n "$g" ] && [ "$g" != "$pg" ]; then
  gn=; while IFS=: read -r a x b r; do if [ "$b" = "$pg" ]; then gn=$a; break; fi; done < /etc/group
  [ "$g" = "$gn" ] || { printf 'badidea: exec as %s: only the primary group of %s (%s) is possible: Kubernetes exec has no user option, the switch goes through su\\r\\n' "$u" "$pn" "$pg"; exit 126; }
fi
command -v su >/dev/null 2>&1 || { printf 'badidea: exec as %s needs su in the image: Kubernetes exec runs as the container user\\r\\n' "$u"; exit 126; }
exec su -s /bin/sh -c 'exec "$0" "$@"' -- "$pn" "$@"
`;

/** The Kubernetes exec command for a docker exec, and whether it is wrapped in the sh script. */
export function execCommand(
  spec: ExecSpec,
  containerUser: string | undefined,
): { command: string[]; wrapped: boolean } {
  const user = userSwitch(spec.user, containerUser);
  if (spec.env.length === 0 && spec.workingDir === '' && user === undefined) {
    return { command: [...spec.cmd], wrapped: false };
  }
  return {
    command: ['/bin/sh', '-c', WRAPPER, 'badidea-exec', spec.workingDir, user ?? '', ...spec.env, '--', ...spec.cmd],
    wrapped: true,
  };
}

/** The message of a start failure the runtime reported, from "OCI runtime exec failed" on when it is there. */
export function runtimeFailureText(message: string): string | undefined {
  const i = message.indexOf('OCI runtime exec failed');
  if (i >= 0) return `${message.slice(i).replace(/\s+$/, '')}\r\n`;
  if (/executable file not found|no such file or directory|permission denied/.test(message)) {
    return `${message.replace(/\s+$/, '')}\r\n`;
  }
  return undefined;
}
