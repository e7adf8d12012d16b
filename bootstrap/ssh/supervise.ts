/**
 * Supervised remote commands: the bootstrap command runs on the host under a supervisor that does not
 * depend on the SSH connection, so a dropped connection or a timeout leaves nothing unsupervised.
 *
 * - The command runs in its own session (`setsid`), stdout and stderr into one log file in the order
 *   it wrote them, holding a lock file (`run.lock`) that every process of the run inherits.
 * - A watchdog on the host stops it (TERM, then KILL after 30 s) when its time limit passes, whether
 *   or not anyone is still connected.
 * - Its exit status is recorded (`result`), and on success the files to install afterwards and the
 *   marker are written by the supervisor itself: a run that completes after the connection dropped is
 *   still recorded.
 * - The client follows the log; after a drop, a retry of the same operation (same run id) attaches to
 *   the run or collects its result. A different run id finding a run still going stops it (every
 *   process holding the lock, TERM then KILL) before starting: a rerun never runs beside an orphan.
 * - Before a new run, packages an interrupted run left half-configured are finished
 *   (`dpkg --configure -a`, waiting for the dpkg lock), so no package stays half-installed.
 */
import { shellQuote } from "./shell";

/** What the supervisor runs. */
export interface SupervisedRun {
    /** Directory of the run's files (`<stateDir>/run`). */
    runDir: string;
    /** Identifies one operation: a retry with the same id attaches instead of starting again. */
    id: string;
    /** Time limit on the host, in seconds. */
    timeoutSeconds: number;
    /** Written (0600, atomically) with `value` after the command succeeded. */
    marker?: { path: string; value: string };
    /** Files staged before the run, each renamed over its target once the command succeeded. */
    finals?: { staged: string; target: string }[];
    /** The command (argv). */
    command: string[];
}

/** Prefix of the supervisor's own lines on stderr (the command's output comes on stdout). */
export const RUNNER_PREFIX = "kubeforge-run: ";

/** The detached part: runs the command, enforces the time limit, records the result. */
const WRAPPER = String.raw`
run=$1 secs=$2 marker=$3 value=$4 nfinal=$5
shift 5
finals=("${"$"}{@:1:$((nfinal * 2))}")
shift $((nfinal * 2 + 1))
trap ':' TERM
note() { printf '%s kubeforge-run: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
if command -v dpkg >/dev/null 2>&1 && [ -n "$(dpkg --audit 2>/dev/null)" ]; then
    note "packages were left half-installed by an interrupted run; finishing them (dpkg --configure -a)"
    for _ in $(seq 1 100); do
        if DEBIAN_FRONTEND=noninteractive dpkg --configure -a; then break; fi
        note "dpkg is busy or failed; retrying in 3s"
        sleep 3
    done
fi
setsid "$@" </dev/null &
cmd=$!
(
    trap 'kill "$s" 2>/dev/null; exit 0' TERM
    sleep "$secs" & s=$!
    wait "$s"
    : >"$run/timedout"
    note "time limit of ${"$"}{secs}s passed; stopping the command"
    kill -TERM -- "-$cmd" 2>/dev/null
    sleep 30 & s=$!
    wait "$s"
    kill -KILL -- "-$cmd" 2>/dev/null
) &
dog=$!
while :; do
    wait "$cmd"
    rc=$?
    kill -0 "$cmd" 2>/dev/null || break
done
kill -TERM "$dog" 2>/dev/null
wait "$dog" 2>/dev/null
timedout=0
[ -e "$run/timedout" ] && timedout=1
if [ "$rc" -eq 0 ] && [ "$timedout" -eq 0 ]; then
    i=0
    while [ "$i" -lt "$nfinal" ]; do
        mv -f -- "${"$"}{finals[$((i * 2))]}" "${"$"}{finals[$((i * 2 + 1))]}" || rc=1
        i=$((i + 1))
    done
    if [ -n "$marker" ] && [ "$rc" -eq 0 ]; then
        mkdir -p -- "$(dirname -- "$marker")" &&
            (umask 077 && printf '%s\n' "$value" >"$marker.tmp") &&
            mv -f -- "$marker.tmp" "$marker" || rc=1
    fi
fi
printf '%s %s\n' "$rc" "$timedout" >"$run/result.tmp"
mv -f -- "$run/result.tmp" "$run/result"
`;

/** The attached part: decides attach / collect / stop-then-start, then follows the log. */
const RUNNER = String.raw`
set -u
mode=$1 wrapper=$2 run=$3 id=$4
shift 4
say() { printf 'kubeforge-run: %s\n' "$*" >&2; }
mkdir -p -- "$run"
chmod 700 -- "$run"
lock="$run/run.lock"
exec 8>"$run/control.lock"
flock -w 300 8 || { say "error: another kubeforge client holds $run/control.lock"; exit 125; }
busy() { ! flock -n "$lock" true 2>/dev/null; }
holders() { find /proc/[0-9]*/fd -maxdepth 1 -lname "$lock" 2>/dev/null | cut -d/ -f3 | sort -u | tr '\n' ' '; }
wait_free() {
    for _ in $(seq 1 50); do busy || return 0; sleep 0.2; done
    return 1
}
stop_run() {
    local pids
    read -ra pids <<<"$(holders)"
    say "note: stopping the earlier run $(cat "$run/current" 2>/dev/null) still running on the host (pids ${"$"}{pids[*]})"
    [ "${"$"}{#pids[@]}" -gt 0 ] && kill -TERM "${"$"}{pids[@]}" 2>/dev/null
    wait_free && return 0
    read -ra pids <<<"$(holders)"
    [ "${"$"}{#pids[@]}" -gt 0 ] && kill -KILL "${"$"}{pids[@]}" 2>/dev/null
    wait_free && return 0
    say "error: could not stop the earlier run (pids $(holders)); stop them on the host and retry"
    exit 125
}
if [ "$mode" = stop ]; then
    if busy; then stop_run; fi
    say "stopped"
    exit 0
fi
current=$(cat "$run/current" 2>/dev/null || true)
follow=start
if busy; then
    if [ "$current" = "$id" ]; then follow=attach; else stop_run; fi
elif [ "$current" = "$id" ] && [ -f "$run/result" ]; then
    follow=collect
fi
case "$follow" in
attach) say "note: attaching to the run still in progress" ;;
collect) say "note: the run finished while the connection was down; reporting its result" ;;
start)
    rm -f -- "$run/result" "$run/timedout" "$run/log"
    printf '%s\n' "$id" >"$run/current"
    : >"$run/log"
    exec 9>"$lock"
    flock -n 9 || { say "error: the run lock was taken meanwhile"; exit 125; }
    setsid bash -c "$wrapper" kubeforge-run "$run" "$@" </dev/null >>"$run/log" 2>&1 8>&- &
    printf '%s\n' "$!" >"$run/pid"
    exec 9>&-
    ;;
esac
exec 8>&-
if [ "$follow" = collect ]; then
    cat -- "$run/log"
else
    tail -c +1 -s 0.2 -f --pid="$(cat "$run/pid")" -- "$run/log"
fi
if [ -f "$run/result" ]; then
    read -r rc timedout <"$run/result"
    say "result $rc $timedout"
else
    say "result lost"
fi
`;

/**
 * The command line that runs or attaches to `run` (stdin unused).
 *
 * @param run - what to run.
 */
export function supervisedCommand(run: SupervisedRun): string {
    const finals = run.finals ?? [];
    const args = [
        "run",
        WRAPPER,
        run.runDir,
        run.id,
        String(Math.max(1, Math.floor(run.timeoutSeconds))),
        run.marker?.path ?? "",
        run.marker?.value ?? "",
        String(finals.length),
        ...finals.flatMap((f) => [f.staged, f.target]),
        "--",
        ...run.command,
    ];
    return `bash -c ${shellQuote(RUNNER)} kubeforge-run ${args.map(shellQuote).join(" ")}`;
}

/**
 * The command line that stops whatever run holds `runDir`'s lock (after a client-side timeout).
 *
 * @param runDir - the run directory.
 */
export function stopCommand(runDir: string): string {
    return `bash -c ${shellQuote(RUNNER)} kubeforge-run stop '' ${shellQuote(runDir)} ''`;
}

/** The supervisor's verdict, read from its stderr. */
export interface RunVerdict {
    /** Exit status (undefined when the result was lost: the run was killed outright). */
    code?: number;
    /** The host's watchdog stopped it. */
    timedOut: boolean;
    /** Notes for the progress log (attached, collected, stopped an earlier run). */
    notes: string[];
    /** An error of the supervisor itself. */
    error?: string;
}

/**
 * Parses the supervisor's stderr; undefined when it never reported (the connection dropped first).
 *
 * @param stderr - what the runner wrote on stderr.
 */
export function parseVerdict(stderr: string): RunVerdict | undefined {
    const notes: string[] = [];
    let error: string | undefined;
    for (const line of stderr.split("\n")) {
        if (!line.startsWith(RUNNER_PREFIX)) continue;
        const body = line.slice(RUNNER_PREFIX.length);
        const result = /^result (\d+) ([01])$/.exec(body);
        if (result) return { code: Number(result[1]), timedOut: result[2] === "1", notes, error };
        if (body === "result lost") return { timedOut: false, notes, error };
        if (body.startsWith("note: ")) notes.push(body.slice(6));
        else if (body.startsWith("error: ")) error = body.slice(7);
    }
    return error ? { timedOut: false, notes, error } : undefined;
}

/** The supervisor's two scripts, for shellcheck. */
export const SUPERVISOR_SCRIPTS: Readonly<Record<"runner" | "wrapper", string>> = { runner: RUNNER, wrapper: WRAPPER };
