#!/usr/bin/env bash
# The test command's suites outside cargo, run side by side with their output kept
# apart, then one summary.
#
#   scripts/test-suites.sh fast             the suites that need no cargo build: the JS client
#                                           tooling (clients/js), the chain-spec generator's
#                                           members-file checks, the portal's type check and
#                                           catalog checks, the researchers' offline Python
#                                           tests. With their `npm ci` / venv. Seconds.
#   scripts/test-suites.sh chain [--quick]  the suites against the built node: the chain-spec
#                                           generator's specs, the end-to-end polkadot.js suite
#                                           (with two record gateways), the portal's browser
#                                           tests, the Python chain tests, the ops suite
#                                           (deploy/: systemd units, RPC proxy, metrics) and,
#                                           unless --quick,
#                                           the three zombienet network suites and the
#                                           permissioned network on start-local.sh.
#
# Every suite writes stdout+stderr to its own log, RUN/<suite>.log, and gets its own temporary
# directory, RUN/<suite>.tmp (its TMPDIR: node --tmp base paths, node and gateway logs, pytest's
# and zombienet's directories; deleted when the suite passes, kept when it fails). RUN is
# $MEDCHAIN_TEST_RUN_DIR, default ${TMPDIR:-/tmp}/medchain-test-<date>-<time>-<mode>.
# When all have finished: a table (suite, result, time, the suite's own passed / failed /
# skipped counts), the last 60 lines of each failed suite's log, and as the very last line
# `N passed, N failed` (totals over the suites; a suite that failed without a failed test
# — it crashed, timed out, could not install — counts as 1 failed). Exit status 1 if any
# suite failed, 130 on Ctrl-C.
#
# Ports: no two suites can meet on a port, and everything listens on and talks to 127.0.0.1
# only. The dev nodes of e2e, portal and python, and the portal's static server, bind port 0:
# the kernel picks a free port at the moment of binding (the suites read the node's RPC port
# from its log), so nothing can take it in between. What needs a port fixed in advance uses
# a range of its own below the kernel's ephemeral ports (32768-60999, from which port-0 binds
# and outgoing connections get theirs):
#   e2e's record gateways     MEDCHAIN_E2E_PORT_BASE      20000-20999 (never reused in a run)
#   ops: nginx (RPC proxy)    MEDCHAIN_OPS_PORT_BASE      21000-21099 (its node and gateway
#                                                         bind port 0)
#   network-permissioned      MEDCHAIN_NETWORK_PORT_BASE  + 1000..1299 (tests/network/permissioned.sh)
#   network: zombienet nodes  MEDCHAIN_NETWORK_PORT_BASE  23000 + 0/200 for validators/
#                                                         consortium, node i at +10*i (p2p, RPC,
#                                                         Prometheus)
# Move a range with its variable (e.g. to run two checkouts' suites at once).
#
# Stopping: each suite runs in a process group of its own. Ctrl-C (or SIGTERM) sends SIGTERM
# to every running suite's group — each stops its own nodes, gateways and browser (their
# exit handlers) — then SIGKILL after 20 s; a suite over its time limit
# (MEDCHAIN_SUITE_TIMEOUT, default 1800 s) is stopped the same way. Every process a suite
# starts inherits MEDCHAIN_TEST_RUN_ID; when the run ends, any process still carrying this
# run's id (one that escaped its suite's cleanup, e.g. a node started in a session of its
# own) is named and killed by its pid.
#
# Concurrency (chain): which suites run at once is the schedule MEDCHAIN_TEST_SCHEDULE:
# waves separated by ';' run one after another; a wave's lanes, separated by spaces, run at
# once; a lane's suites, joined by '+', run one after another. MEDCHAIN_SUITES=a,b keeps
# only those suites (e.g. MEDCHAIN_SUITES=e2e). The default was chosen by measurement on
# the 2-core, 24 GiB development machine (see CONCURRENCY below).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

usage() {
	echo "usage: scripts/test-suites.sh fast | chain [--quick]" >&2
}
mode="${1:-}"
[ $# -gt 0 ] && shift
quick=0
for arg in "$@"; do
	case "$arg" in
	--quick) quick=1 ;;
	*) usage; exit 2 ;;
	esac
done
case "$mode" in
fast | chain) ;;
*) usage; exit 2 ;;
esac

# ---------------------------------------------------------------------------------------
# CONCURRENCY (chain), measured on the 2-core, 24 GiB development machine (2026-12-07; the
# table is in tests/README.md, "Concurrency"; "cargo": another cargo build on both cores):
#   one suite at a time                                       1,148 s, all passed
#   everything at once, e2e one suite                            773 s (cargo), 2 e2e failures
#   everything at once, e2e in 2 shards, no stagger              424 s (cargo), foundation's
#                                                                 60 s start-up bound missed
#   e2e shards + chain-spec/python/portal, then network          683 s, all passed
#   the default below (4 lanes, 20 s between starts)              373 s idle, 388 / 529 s (cargo),
#                                                                 all passed
# The two e2e shards are the critical path; starting suites 20 s apart keeps the nodes'
# start-ups (each compiles the runtime, a zombienet network 4-5 at once) from piling up.
# ---------------------------------------------------------------------------------------
default_fast_schedule="js-client testkit chain-spec-offline portal-offline python-offline"
default_chain_schedule="e2e-1 e2e-2 network-validators+network-consortium+python+ops+chain-spec portal+network-permissioned"

# ---------------------------------------------------------------------------------------
# The suites. Each runs in a subshell of its own, from the repository root, with its output
# going to its log. count_kind says how its log reports its tests.
# ---------------------------------------------------------------------------------------

# npm ci, skipped when node_modules was installed by this script from the same lockfile with
# the same Node.js (a stamp in node_modules); a lock keeps two suites of one run from
# installing the same folder at once.
npm_ci() { # folder
	local dir=$1 want lock
	want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) $(node --version)"
	lock="$RUN/.npm-$(printf '%s' "$dir" | tr -c 'A-Za-z0-9' _).lock"
	(
		flock 9
		if [ "$(cat "$dir/node_modules/.medchain-npm-ci" 2>/dev/null)" = "$want" ]; then
			echo "[npm] $dir: node_modules is already installed from this package-lock.json"
		else
			echo "[npm] npm ci in $dir"
			npm --prefix "$dir" ci --no-audit --no-fund --loglevel=error &&
				echo "$want" >"$dir/node_modules/.medchain-npm-ci"
		fi
	) 9>"$lock"
}

# fast
suite_js_client() { npm_ci clients/js && npm --prefix clients/js test; }
suite_testkit() { npm --prefix tests/testkit test; } # no dependencies: nothing to install
suite_chain_spec_offline() { cd tests/consortium && python3 -m unittest -v test_chain_spec.MembersFile; }
suite_portal_offline() { npm_ci portal && MEDCHAIN_SKIP_NPM_CI=1 portal/run-tests.sh offline; }
suite_python_offline() { clients/python/run-tests.sh offline; }
# chain
suite_chain_spec() { cd tests/consortium && python3 -m unittest -v test_chain_spec.ChainSpec; }
suite_e2e() { npm_ci clients/js && npm_ci tests/e2e && npm --prefix tests/e2e test; }
# The e2e suite in two shards run side by side: its files (each starts its own node) split
# into two lists of about equal length by their measured durations; a file not in the table
# (a new one) counts 60 s. Every file is in exactly one shard. Each shard has half of the
# e2e gateways' port range.
e2e_seconds() { # file -> measured seconds (2-core machine, cold run of 2026-12-07 11:00)
	case "$1" in
	gateway.test.js) echo 360 ;;
	gateway-pruning.test.js) echo 172 ;;
	fhir.test.js) echo 135 ;; # measured alone, 2026-12-07 22:20
	epcis.test.js) echo 100 ;; # measured alone, 2026-12-07 23:25
	prescriptions.test.js) echo 115 ;; # measured alone, 2026-12-08 03:30
	bad-input.test.js) echo 117 ;;
	drug-provenance.test.js) echo 106 ;;
	clinical-trials.test.js) echo 68 ;;
	consent.test.js) echo 58 ;;
	erasure.test.js) echo 46 ;;
	foundation.test.js) echo 45 ;;
	health-records.test.js) echo 38 ;;
	readme.test.js) echo 15 ;;
	*) echo 60 ;;
	esac
}
e2e_shard_files() { # shard (1|2) -> its files, longest first into the lighter shard
	local want=$1 f load1=0 load2=0
	for f in $(for f in tests/e2e/test/*.test.js; do f=${f##*/}; echo "$(e2e_seconds "$f") $f"; done | sort -k1,1nr -k2 | cut -d' ' -f2); do
		if [ $load1 -le $load2 ]; then
			load1=$((load1 + $(e2e_seconds "$f")))
			[ "$want" = 1 ] && echo "test/$f"
		else
			load2=$((load2 + $(e2e_seconds "$f")))
			[ "$want" = 2 ] && echo "test/$f"
		fi
	done
}
suite_e2e_shard() { # shard
	local files base=${MEDCHAIN_E2E_PORT_BASE:-20000} span=${MEDCHAIN_E2E_PORT_SPAN:-1000}
	files=$(e2e_shard_files "$1" | tr '\n' ' ')
	npm_ci clients/js && npm_ci tests/e2e || return
	echo "[suites] e2e shard $1: $files"
	export MEDCHAIN_E2E_PORT_BASE=$((base + ($1 - 1) * span / 2)) MEDCHAIN_E2E_PORT_SPAN=$((span / 2))
	# shellcheck disable=SC2086 # the file list
	(cd tests/e2e && node --test --test-concurrency=1 $files)
}
suite_e2e_1() { suite_e2e_shard 1; }
suite_e2e_2() { suite_e2e_shard 2; }
suite_portal() { npm_ci portal && MEDCHAIN_SKIP_NPM_CI=1 portal/run-tests.sh browser; }
suite_python() { clients/python/run-tests.sh chain; }
# deploy/: the systemd units, the nginx RPC proxy, the Prometheus endpoints, the dashboard's
# and the alerts' metric names (tests/ops/README.md); ~30 s.
suite_ops() { cd tests/ops && python3 -m unittest -v test_ops; }
suite_network_validators() { npm_ci tests/network && npm --prefix tests/network run test:validators; }
suite_network_consortium() { npm_ci tests/network && npm --prefix tests/network run test:consortium; }
suite_network_permissioned() { npm_ci tests/network && tests/network/permissioned.sh; }

count_kind() { # suite -> how its log reports counts
	case "$1" in
	js-client | testkit | portal-offline | e2e | e2e-* | portal | network-permissioned) echo node-test ;;
	chain-spec-offline | chain-spec | ops) echo unittest ;;
	python-offline | python) echo pytest ;;
	network-*) echo zombienet ;;
	esac
}
all_suites_fast="js-client testkit chain-spec-offline portal-offline python-offline"
all_suites_chain="chain-spec e2e e2e-1 e2e-2 portal python ops network-validators network-consortium network-permissioned"

# ---------------------------------------------------------------------------------------
# Run directory, environment
# ---------------------------------------------------------------------------------------
RUN="${MEDCHAIN_TEST_RUN_DIR:-${TMPDIR:-/tmp}/medchain-test-$(date +%Y%m%d-%H%M%S)-$mode}"
mkdir -p "$RUN" || exit 1
RUN=$(cd "$RUN" && pwd)
RUN_ID="$(basename "$RUN")-$$"
SUITE_TIMEOUT="${MEDCHAIN_SUITE_TIMEOUT:-1800}"
# Seconds between two suites' starts: a node's start (compiling the runtime) takes both cores
# for a few seconds, and many at once slow each other down (CONCURRENCY above).
STAGGER="${MEDCHAIN_TEST_STAGGER:-20}"
[ "$mode" = fast ] && STAGGER="${MEDCHAIN_TEST_STAGGER:-0}"
KILL_GRACE=20

if [ "$mode" = fast ]; then
	schedule="${MEDCHAIN_TEST_SCHEDULE:-$default_fast_schedule}"
	known=$all_suites_fast
	# Nothing here may need a build: point the binaries at nothing, so a suite that reaches
	# for one fails instead of testing whatever an earlier build left behind.
	export MEDCHAIN_NODE="$RUN/no-binary-in-fast-mode/medchain-node"
	export MEDCHAIN_GATEWAY="$RUN/no-binary-in-fast-mode/medchain-gateway"
else
	schedule="${MEDCHAIN_TEST_SCHEDULE:-$default_chain_schedule}"
	known=$all_suites_chain
	export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medchain/target}"
	export MEDCHAIN_NODE="${MEDCHAIN_NODE:-$CARGO_TARGET_DIR/release/medchain-node}"
	export MEDCHAIN_GATEWAY="${MEDCHAIN_GATEWAY:-$(dirname "$MEDCHAIN_NODE")/medchain-gateway}"
	for bin in "$MEDCHAIN_NODE" "$MEDCHAIN_GATEWAY"; do
		if [ ! -x "$bin" ]; then
			echo "[suites] no binary at $bin: build it (cargo build --release -p medchain-node -p medchain-gateway) or set MEDCHAIN_NODE / MEDCHAIN_GATEWAY" >&2
			exit 1
		fi
	done
fi

# Keep the suites MEDCHAIN_SUITES names (a name also keeps the suites named <name>-…: `e2e`
# its shards, `network` the three network suites), drop the network suites with --quick,
# then empty lanes and waves.
wanted=" $known "
if [ -n "${MEDCHAIN_SUITES:-}" ]; then
	wanted=" "
	for w in $(echo "$MEDCHAIN_SUITES" | tr ',' ' '); do
		hit=0
		for s in $known; do
			if [ "$s" = "$w" ] || [[ $s == "$w"-* ]]; then wanted+="$s "; hit=1; fi
		done
		[ $hit = 1 ] || { echo "[suites] unknown $mode suite '$w' (known: $known)" >&2; exit 2; }
	done
fi
waves=()
IFS=';' read -r -a raw_waves <<<"$schedule"
for w in "${raw_waves[@]}"; do
	lanes=""
	for lane in $w; do
		kept=""
		IFS='+' read -r -a lane_suites <<<"$lane"
		for s in "${lane_suites[@]}"; do
			case " $known " in *" $s "*) ;; *) echo "[suites] schedule names unknown $mode suite '$s'" >&2; exit 2 ;; esac
			case "$wanted" in *" $s "*) ;; *) continue ;; esac
			[ "$quick" = 1 ] && [[ $s == network-* ]] && continue
			kept="${kept:+$kept+}$s"
		done
		[ -n "$kept" ] && lanes="${lanes:+$lanes }$kept"
	done
	[ -n "$lanes" ] && waves+=("$lanes")
done
if [ ${#waves[@]} = 0 ]; then
	echo "[suites] nothing to run" >&2
	exit 2
fi

# ---------------------------------------------------------------------------------------
# Running: each suite a background job in its own process group (job control is on while it
# is started, so that it gets a group of its own and does not ignore SIGINT, and off again,
# so that bash reports nothing about it).
# ---------------------------------------------------------------------------------------
declare -A pid_of start_of end_of rc_of
running=() # suites now running
order=()   # suites in the order they were started

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "[suites] $*" 2>/dev/null || true; }

start_suite() { # suite
	local s=$1 fn
	fn="suite_${s//-/_}"
	rm -rf "$RUN/$s.tmp"
	mkdir -p "$RUN/$s.tmp"
	set -m
	(
		trap - INT TERM HUP EXIT PIPE
		export TMPDIR="$RUN/$s.tmp" MEDCHAIN_TEST_RUN_ID="$RUN_ID"
		exec </dev/null >"$RUN/$s.log" 2>&1
		echo "[suites] $s: started $(date '+%F %T'), TMPDIR=$TMPDIR"
		"$fn"
	) &
	pid_of[$s]=$!
	set +m
	start_of[$s]=$(now)
	running+=("$s")
	order+=("$s")
	say "started $s (log $RUN/$s.log)"
}

# SIGTERM to the group, SIGKILL to what is left after KILL_GRACE seconds.
stop_groups() { # pid...
	local pid deadline alive
	for pid in "$@"; do kill -TERM -- "-$pid" 2>/dev/null; done
	deadline=$((SECONDS + KILL_GRACE))
	while [ $SECONDS -lt $deadline ]; do
		alive=0
		for pid in "$@"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && return
		sleep 0.5
	done
	for pid in "$@"; do kill -KILL -- "-$pid" 2>/dev/null; done
}

finish_suite() { # suite rc
	local s=$1 rc=$2 r=() x p f k
	end_of[$s]=$(now)
	rc_of[$s]=$rc
	for x in "${running[@]}"; do [ "$x" = "$s" ] || r+=("$x"); done
	running=("${r[@]+"${r[@]}"}")
	read -r p f k < <(counts "$s")
	say "$s: $([ "$rc" = 0 ] && echo passed || echo "FAILED (exit $rc)") in $(elapsed "${start_of[$s]}" "${end_of[$s]}") s: $p passed, $f failed, $k skipped"
	if [ "$rc" = 0 ] && [ -z "${MEDCHAIN_TEST_KEEP:-}" ]; then rm -rf "$RUN/$s.tmp"; fi
}

# Processes of this run that outlived their suite: named, then killed by pid.
reap_leftovers() {
	local files pids=() f pid
	files=$(grep -lzx "MEDCHAIN_TEST_RUN_ID=$RUN_ID" /proc/[0-9]*/environ 2>/dev/null)
	for f in $files; do
		pid=${f#/proc/}
		pid=${pid%/environ}
		[ "$pid" = $$ ] && continue
		pids+=("$pid")
	done
	[ ${#pids[@]} = 0 ] && return
	leftover_count=${#pids[@]}
	for pid in "${pids[@]}"; do
		say "warning: pid $pid outlived its suite, killing it: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160)"
		kill -TERM "$pid"
	done
	sleep 3
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
}
leftover_count=0

interrupted=0
on_signal() {
	trap '' INT TERM HUP # no second interruption of the clean-up
	interrupted=1
	say "interrupted: stopping ${running[*]:-nothing}"
	local pids=() s
	for s in "${running[@]}"; do pids+=("${pid_of[$s]}"); done
	[ ${#pids[@]} -gt 0 ] && stop_groups "${pids[@]}"
	for s in "${running[@]}"; do
		wait "${pid_of[$s]}"
		end_of[$s]=$(now)
		rc_of[$s]=interrupted
	done
	running=()
	reap_leftovers
	summary 2>/dev/null
	exit 130
}
trap on_signal INT TERM HUP
# A reader that goes away (a `| tee` or `| head` that died) must not kill this script in the
# middle, with its suites still running: writes to it fail instead (the suites themselves get
# the default back).
trap '' PIPE

# ---------------------------------------------------------------------------------------
# Counting a suite's tests from its log: "passed failed skipped"
# ---------------------------------------------------------------------------------------
counts() { # suite
	python3 - "$(count_kind "$1")" "$RUN/$1.log" <<'PY'
import re, sys
kind, path = sys.argv[1], sys.argv[2]
try:
    text = open(path, errors="replace").read()
except OSError:
    text = ""
text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
p = f = k = 0
if kind == "node-test":
    # node:test's closing counts, TAP ("# pass 3") or spec ("ℹ pass 3"); summed over runs.
    for key, n in re.findall(r"^(?:#|ℹ) (pass|fail|cancelled|skipped|todo) (\d+)\s*$", text, re.M):
        n = int(n)
        if key == "pass": p += n
        elif key in ("fail", "cancelled"): f += n
        else: k += n
elif kind == "pytest":
    for line in re.findall(r"^=+ (.+) in [0-9.]+s\b.*=+\s*$", text, re.M):
        for n, key in re.findall(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)", line):
            n = int(n)
            if key in ("passed", "xpassed"): p += n
            elif key in ("failed", "error", "errors"): f += n
            else: k += n
elif kind == "unittest":
    for ran, status in re.findall(r"^Ran (\d+) tests? in [0-9.]+s\s*\n\s*\n(OK.*|FAILED.*)$", text, re.M):
        ran = int(ran)
        d = {key: int(n) for key, n in re.findall(r"(failures|errors|skipped|expected failures|unexpected successes)=(\d+)", status)}
        bad = d.get("failures", 0) + d.get("errors", 0) + d.get("unexpected successes", 0)
        skipped = d.get("skipped", 0)
        f += bad; k += skipped; p += ran - bad - skipped
elif kind == "zombienet":
    for ok, total in re.findall(r"Result: (\d+)/(\d+)", text):
        p += int(ok); f += int(total) - int(ok)
print(p, f, k)
PY
}

# ---------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------
summary() {
	local s rc p f k result total_p=0 total_f=0 failed_suites=() t starred=0
	echo
	say "$mode: $(elapsed "$run_start" "$(now)") s wall clock; logs in $RUN"
	printf '%-20s %-12s %8s %7s %7s %8s  %s\n' suite result time passed failed skipped log
	for s in "${order[@]}"; do
		rc=${rc_of[$s]:-interrupted}
		read -r p f k < <(counts "$s")
		if [ "$rc" = 0 ]; then
			result=pass
		else
			result=FAIL
			[ "$rc" = interrupted ] && result=INTERRUPTED
			failed_suites+=("$s")
			# A suite that failed outside its tests (install, start-up, crash, time limit)
			# still counts as a failure.
			if [ "$f" = 0 ]; then f=1 result="$result*" starred=1; fi
		fi
		t=$(elapsed "${start_of[$s]}" "${end_of[$s]:-$(now)}")
		printf '%-20s %-12s %7ss %7s %7s %8s  %s\n' "$s" "$result" "$t" "$p" "$f" "$k" "$RUN/$s.log"
		total_p=$((total_p + p))
		total_f=$((total_f + f))
	done
	if [ "$starred" = 1 ]; then
		echo "(* failed outside its tests, e.g. install, start-up, crash or time limit: counted as 1 failed)"
	fi
	[ "$leftover_count" -gt 0 ] && say "warning: $leftover_count process(es) outlived their suite and were killed (see above)"
	for s in "${failed_suites[@]}"; do
		echo
		echo "----- $s failed: last 60 lines of $RUN/$s.log -----"
		tail -n 60 "$RUN/$s.log" 2>/dev/null | sed 's/^/  | /'
		echo "----- end of $s -----"
	done
	echo
	echo "$total_p passed, $total_f failed"
	[ ${#failed_suites[@]} = 0 ]
}

# ---------------------------------------------------------------------------------------
# Main loop
# ---------------------------------------------------------------------------------------
run_start=$(now)
say "$mode: ${#waves[@]} wave(s): $(printf '[%s] ' "${waves[@]}")"
say "run directory $RUN"
if [ "$mode" = chain ]; then
	say "node under test: $MEDCHAIN_NODE ($("$MEDCHAIN_NODE" --version 2>/dev/null))"
	say "gateway: $MEDCHAIN_GATEWAY"
	say "ports: nodes bind port 0; e2e gateways from ${MEDCHAIN_E2E_PORT_BASE:-20000}, ops's nginx from ${MEDCHAIN_OPS_PORT_BASE:-21000}, network nodes from ${MEDCHAIN_NETWORK_PORT_BASE:-23000}"
fi
for wave in "${waves[@]}"; do
	read -r -a lanes <<<"$wave"
	lane_next=() # per lane: index of its next suite
	lane_cur=()  # per lane: the suite now running, or ""
	for i in "${!lanes[@]}"; do lane_next[i]=0 lane_cur[i]=""; done
	last_note=$SECONDS
	last_start=-100000
	while :; do
		busy=0
		for i in "${!lanes[@]}"; do
			IFS='+' read -r -a lane_suites <<<"${lanes[i]}"
			s=${lane_cur[i]}
			if [ -n "$s" ]; then
				pid=${pid_of[$s]}
				if ! kill -0 "$pid" 2>/dev/null; then
					wait "$pid"
					finish_suite "$s" $?
					lane_cur[i]=""
				elif [ "$(elapsed "${start_of[$s]}" "$(now)" | cut -d. -f1)" -ge "$SUITE_TIMEOUT" ]; then
					say "$s: over its time limit of $SUITE_TIMEOUT s (MEDCHAIN_SUITE_TIMEOUT): stopping it"
					stop_groups "$pid"
					wait "$pid"
					echo "[suites] stopped after $SUITE_TIMEOUT s (MEDCHAIN_SUITE_TIMEOUT)" >>"$RUN/$s.log"
					finish_suite "$s" 124
					lane_cur[i]=""
				fi
			fi
			if [ -z "${lane_cur[i]}" ] && [ "${lane_next[i]}" -lt "${#lane_suites[@]}" ] &&
				[ $((SECONDS - last_start)) -ge "$STAGGER" ]; then
				last_start=$SECONDS
				s=${lane_suites[${lane_next[i]}]}
				lane_next[i]=$((lane_next[i] + 1))
				start_suite "$s"
				lane_cur[i]=$s
			fi
			[ -n "${lane_cur[i]}" ] || [ "${lane_next[i]}" -lt "${#lane_suites[@]}" ] && busy=1
		done
		[ $busy = 0 ] && break
		if [ $((SECONDS - last_note)) -ge 60 ]; then
			last_note=$SECONDS
			notes=()
			for s in "${running[@]}"; do notes+=("$s $(elapsed "${start_of[$s]}" "$(now)" | cut -d. -f1) s"); done
			say "running: $(IFS=,; echo "${notes[*]}")"
		fi
		sleep 1
	done
done
reap_leftovers
summary
