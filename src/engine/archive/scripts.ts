// The shell scripts badidea runs in a container (one exec each) for HEAD, GET and PUT archive. They need `sh` and
// `tar` in the image; `stat` is used where present (else `ls -ld`: no mtime), `readlink` for link targets. They
// report through exit codes (EXIT below) and, for conflicts, a `badidea-error:` line on stderr. Arguments come
// as "$1"… (never spliced into the script text). Written without `$(` (backticks instead) for one style with the
// pod prologue, where Kubernetes would expand `$(VAR)`.

export const EXIT = {
  notFound: 10,
  notDirectory: 11,
  noTar: 12,
  conflict: 13,
  incomplete: 15,
  badUser: 16,
} as const;

/** Prints the stat lines of "$1" (parseStatLines): `S …` or `P …`, and `L <target>` for a symlink. */
const STAT_FN = `st() {
  if command -v stat >/dev/null 2>&1; then
    s=\`stat -c '%f %s %Y %y' -- "$1" 2>/dev/null\` || return 1
    printf 'S %s\\n' "$s"
  else
    l=\`ls -ld -- "$1" 2>/dev/null\` || return 1
    z=0
    if [ -f "$1" ] && [ ! -L "$1" ]; then z=\`wc -c < "$1"\`; fi
    printf 'P %s %s\\n' "\${l%% *}" "$z"
  fi
  if [ -L "$1" ]; then
    t=\`readlink -f -- "$1" 2>/dev/null || readlink -- "$1" 2>/dev/null\`
    printf 'L %s\\n' "$t"
  fi
}`;

/** HEAD: `sh -c STAT_SCRIPT sh <path>` → the stat lines. */
export const STAT_SCRIPT = `${STAT_FN}
p=$1
[ -e "$p" ] || [ -L "$p" ] || exit ${EXIT.notFound}
st "$p" || exit ${EXIT.notFound}`;

/**
 * GET: `sh -c GET_SCRIPT sh <path> <dir> <base>` → the stat lines, an empty line, then `tar c` of <base> in <dir>
 * (entries named `<base>/…` as moby names them).
 */
export const GET_SCRIPT = `${STAT_FN}
p=$1
[ -e "$p" ] || [ -L "$p" ] || exit ${EXIT.notFound}
command -v tar >/dev/null 2>&1 || exit ${EXIT.noTar}
st "$p" || exit ${EXIT.notFound}
printf '\\n'
cd -- "$2" || exit ${EXIT.notFound}
exec tar -cf - -- "$3"`;

/**
 * PUT: `sh -c PUT_SCRIPT sh <dir> <nonce> <noOverwriteDirNonDir 0|1> <owner or ''>` with the re-packed archive
 * on stdin. The archive is extracted into a staging directory inside <dir> (same filesystem: moving is a rename),
 * and only when its last entry is the commit marker `.badidea-commit-<nonce>` (written by tar-guard.ts after the
 * whole archive was read and found valid) are the entries moved into place: new names by rename, existing
 * directories merged entry by entry. A rejected or cut archive leaves nothing behind. Conflicts (a directory
 * where the archive has a non-directory, or the reverse, with noOverwriteDirNonDir) are checked for the whole
 * archive before anything moves.
 */
export const PUT_SCRIPT = `t=$1; n=$2; nodir=$3; own=$4
[ -e "$t" ] || exit ${EXIT.notFound}
[ -d "$t" ] || exit ${EXIT.notDirectory}
command -v tar >/dev/null 2>&1 || exit ${EXIT.noTar}
R=$t; [ "$R" = / ] && R=
S=$R/.badidea-cp-$n
trap 'rm -rf "$S"' EXIT
mkdir -m 700 "$S" || exit 1
tar -xf - -C "$S" || exit 1
[ -f "$S/.badidea-commit-$n" ] || exit ${EXIT.incomplete}
rm -f "$S/.badidea-commit-$n"
if [ -n "$own" ]; then
  u=\${own%%:*}; g=
  case $own in *:*) g=\${own#*:};; esac
  [ -n "$u" ] || u=0
  if [ -z "$g" ]; then g=\`id -g "$u" 2>/dev/null\` || g=0; fi
  case $u in *[!0-9]*) u=\`id -u "$u" 2>/dev/null\` || { echo "badidea-error:unable to find user \${own%%:*}: no matching entries in passwd file" >&2; exit ${EXIT.badUser}; };; esac
  case $g in *[!0-9]*) gn=$g; g=\`awk -F: -v n="$gn" '$1==n{print $3; exit}' /etc/group 2>/dev/null\`; [ -n "$g" ] || { echo "badidea-error:unable to find group $gn: no matching entries in group file" >&2; exit ${EXIT.badUser}; };; esac
  chown -R -h "$u:$g" "$S" || exit 1
fi
conflict() { printf 'badidea-error:%s\\n' "$1" >&2; exit ${EXIT.conflict}; }
check() {
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    d=$2/\${e##*/}
    if [ -d "$e" ] && [ ! -L "$e" ]; then
      if [ -d "$d" ]; then ( check "$e" "$d" ) || exit $?
      elif [ -e "$d" ] || [ -L "$d" ]; then [ "$nodir" = 1 ] && conflict "cannot overwrite non-directory \\"$d\\" with directory \\"\${e#"$S"/}\\""
      fi
    elif [ -d "$d" ] && [ ! -L "$d" ]; then [ "$nodir" = 1 ] && conflict "cannot overwrite directory \\"$d\\" with non-directory \\"\${e#"$S"/}\\""
    fi
  done
  return 0
}
merge() {
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    d=$2/\${e##*/}
    if [ -d "$e" ] && [ ! -L "$e" ]; then
      if [ -d "$d" ]; then ( merge "$e" "$d" ) || exit 1; continue; fi
      if [ -e "$d" ] || [ -L "$d" ]; then rm -f "$d" || exit 1; fi
    elif [ -L "$d" ]; then rm -f "$d" || exit 1
    elif [ -d "$d" ]; then rm -rf "$d" || exit 1
    fi
    mv -f "$e" "$d" || exit 1
  done
  return 0
}
( check "$S" "$R" ) || exit $?
( merge "$S" "$R" ) || exit 1`;
